"""Create the audit tables and make records and checkpoints append-only.

Triggers reject UPDATE and DELETE of audit_records and audit_checkpoints on both SQLite and
PostgreSQL, and TRUNCATE on PostgreSQL. The single chain-head row starts at the genesis hash.

Revision ID: a0001
Revises:
Create Date: 2026-12-06 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a0001"
down_revision = None
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64
APPEND_ONLY_TABLES = ("audit_records", "audit_checkpoints")
TIME = sa.String(27)


def upgrade() -> None:
    op.create_table(
        "audit_records",
        sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("recorded_at", TIME, nullable=False),
        sa.Column("event_type", sa.String(40), nullable=False),
        sa.Column("action", sa.String(1), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.String(128), nullable=False),
        sa.Column("actor_role", sa.String(32), nullable=False),
        sa.Column("tenant_id", sa.String(64)),
        sa.Column("site_id", sa.String(64)),
        sa.Column("patient_id", sa.String(64)),
        sa.Column("appointment_id", sa.String(64)),
        sa.Column("conversation_id", sa.String(64)),
        sa.Column("source_ip", sa.String(45)),
        sa.Column("source_channel", sa.String(16)),
        sa.Column("user_agent", sa.String(512)),
        sa.Column("correlation_id", sa.String(64)),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text()),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("record_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_records_patient", "audit_records", ["patient_id", "seq"])
    op.create_index("ix_audit_records_conversation", "audit_records", ["conversation_id", "seq"])
    op.create_index("ix_audit_records_actor", "audit_records", ["actor_id", "seq"])
    op.create_index("ix_audit_records_type_time", "audit_records", ["event_type", "recorded_at"])
    op.create_index("ix_audit_records_recorded_at", "audit_records", ["recorded_at"])

    head = op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("last_recorded_at", TIME),
        sa.Column("checkpoint_seq", sa.BigInteger(), nullable=False),
        sa.Column("checkpoint_at", TIME),
    )
    op.bulk_insert(head, [{"id": 1, "last_seq": 0, "last_hash": GENESIS_HASH, "checkpoint_seq": 0}])

    op.create_table(
        "audit_checkpoints",
        sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("prev_checkpoint_seq", sa.BigInteger(), nullable=False),
        sa.Column("record_hash", sa.String(64), nullable=False),
        sa.Column("signed_at", TIME, nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
    )
    op.create_table(
        "audit_signing_keys",
        sa.Column("key_id", sa.String(32), primary_key=True),
        sa.Column("public_key_pem", sa.Text(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_table(
        "audit_data_keys",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("scope", sa.String(80), nullable=False),
        sa.Column("data_class", sa.String(16), nullable=False),
        sa.Column("epoch", sa.String(7), nullable=False),
        sa.Column("kek_id", sa.String(64), nullable=False),
        sa.Column("wrapped_key", sa.Text()),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("shredded_at", TIME),
    )
    op.create_index("ix_audit_data_keys_slot", "audit_data_keys", ["scope", "data_class", "epoch"])
    op.create_table(
        "audit_verifications",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("started_at", TIME, nullable=False),
        sa.Column("finished_at", TIME, nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("records_checked", sa.BigInteger(), nullable=False),
        sa.Column("checkpoints_checked", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("problem_kind", sa.String(32)),
        sa.Column("problem_seq", sa.BigInteger()),
        sa.Column("message", sa.Text()),
    )
    _create_append_only_triggers()


def _create_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'audit table % is append-only: % is not allowed', "
            "TG_TABLE_NAME, TG_OP; END $$"
        )
        for table in APPEND_ONLY_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION audit_reject_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change()"
            )
        return

    for table in APPEND_ONLY_TABLES:
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'audit table {table} is append-only: "
                f"{operation} is not allowed'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS audit_reject_change()")
    for table in ("audit_verifications", "audit_data_keys", "audit_signing_keys",
                  "audit_checkpoints", "audit_chain_head", "audit_records"):
        op.drop_table(table)
