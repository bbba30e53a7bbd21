"""Tables of the audit log (SQLAlchemy Core), kept apart from the scheduling metadata.

`audit_records` and `audit_checkpoints` are append-only: triggers created by the migration
reject UPDATE and DELETE (and TRUNCATE on PostgreSQL). `audit_chain_head` is the single row that
appenders lock to take the next sequence number. `audit_data_keys` is mutable on purpose, because
crypto-shredding deletes wrapped keys.
Two appenders may race to create a data key for the same slot; both keys are then valid, and
shredding by scope removes both.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

TIME = String(27)  # canonical.format_time: "YYYY-MM-DDTHH:MM:SS.ffffffZ"
HASH = String(64)
HEAD_ROW_ID = 1

records = Table(
    "audit_records",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("recorded_at", TIME, nullable=False),
    Column("event_type", String(40), nullable=False),
    Column("action", String(1), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("actor_id", String(128), nullable=False),
    Column("actor_role", String(32), nullable=False),
    Column("tenant_id", String(64)),
    Column("site_id", String(64)),
    Column("patient_id", String(64)),
    Column("appointment_id", String(64)),
    Column("conversation_id", String(64)),
    Column("source_ip", String(45)),
    Column("source_channel", String(16)),
    Column("user_agent", String(512)),
    Column("correlation_id", String(64)),
    Column("details", Text, nullable=False),
    Column("payload", Text),
    Column("prev_hash", HASH, nullable=False),
    Column("record_hash", HASH, nullable=False),
    Index("ix_audit_records_patient", "patient_id", "seq"),
    Index("ix_audit_records_conversation", "conversation_id", "seq"),
    Index("ix_audit_records_actor", "actor_id", "seq"),
    Index("ix_audit_records_type_time", "event_type", "recorded_at"),
    Index("ix_audit_records_recorded_at", "recorded_at"),
)

chain_head = Table(
    "audit_chain_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("last_hash", HASH, nullable=False),
    Column("last_recorded_at", TIME),
    Column("checkpoint_seq", BigInteger, nullable=False),
    Column("checkpoint_at", TIME),
)

checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("prev_checkpoint_seq", BigInteger, nullable=False),
    Column("record_hash", HASH, nullable=False),
    Column("signed_at", TIME, nullable=False),
    Column("key_id", String(32), nullable=False),
    Column("signature", Text, nullable=False),
)

signing_keys = Table(
    "audit_signing_keys",
    metadata,
    Column("key_id", String(32), primary_key=True),
    Column("public_key_pem", Text, nullable=False),
    Column("created_at", TIME, nullable=False),
)

data_keys = Table(
    "audit_data_keys",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("scope", String(80), nullable=False),
    Column("data_class", String(16), nullable=False),
    Column("epoch", String(7), nullable=False),
    Column("kek_id", String(64), nullable=False),
    Column("wrapped_key", Text),
    Column("created_at", TIME, nullable=False),
    Column("shredded_at", TIME),
    Index("ix_audit_data_keys_slot", "scope", "data_class", "epoch"),
)

verifications = Table(
    "audit_verifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", TIME, nullable=False),
    Column("finished_at", TIME, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("records_checked", BigInteger, nullable=False),
    Column("checkpoints_checked", Integer, nullable=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("problem_kind", String(32)),
    Column("problem_seq", BigInteger),
    Column("message", Text),
)

APPEND_ONLY_TABLES = ("audit_records", "audit_checkpoints")
