"""Append, hash chain, checkpoints and append-only triggers, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from assistant.audit.canonical import GENESIS_HASH, RECORD_FIELDS, canonical_json, record_hash
from assistant.audit.schema import chain_head, checkpoints, records
from assistant.audit.signing import checkpoint_message
from assistant.audit.verify import verify_log
from tests.audit.helpers import STAFF, view_event


def test_append_assigns_gap_free_sequence(audit_log):
    appended = [audit_log.append(view_event(str(index))) for index in range(5)]

    assert [record.seq for record in appended] == [1, 2, 3, 4, 5]
    assert appended[0].prev_hash == GENESIS_HASH
    for before, after in zip(appended, appended[1:]):
        assert after.prev_hash == before.record_hash
        assert after.recorded_at >= before.recorded_at


def test_record_hash_covers_canonical_form(audit_log):
    record = audit_log.append(view_event("3", reason_code="care"))
    with audit_log.engine.connect() as connection:
        row = connection.execute(select(records).where(records.c.seq == record.seq)).one()

    values = {name: row._mapping[name] for name in RECORD_FIELDS}
    canonical = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert row.record_hash == record_hash(values)
    assert row.details == canonical_json({"reason_code": "care"})
    assert " " not in canonical.replace("front_desk", "").replace(STAFF.id, "").replace("pytest", "")
    assert row.actor_id == "staff-7"
    assert row.source_ip == "127.0.0.1"
    assert row.action == "R"


def test_append_many_is_one_chain(audit_log):
    batch = audit_log.append_many([view_event(str(index)) for index in range(4)])
    single = audit_log.append(view_event("9"))

    assert [record.seq for record in batch] == [1, 2, 3, 4]
    assert single.prev_hash == batch[-1].record_hash
    with audit_log.engine.connect() as connection:
        head = connection.execute(select(chain_head)).one()
    assert head.last_seq == 5
    assert head.last_hash == single.record_hash


def test_checkpoints_signed_every_n_records(audit_log, trusted):
    for index in range(25):
        audit_log.append(view_event(str(index)))
    with audit_log.engine.connect() as connection:
        rows = connection.execute(select(checkpoints).order_by(checkpoints.c.seq)).all()

    # The first append signs at once; then one checkpoint per 10 records.
    assert [row.seq for row in rows] == [1, 11, 21]
    assert [row.prev_checkpoint_seq for row in rows] == [0, 1, 11]
    for row in rows:
        message = checkpoint_message(row.seq, row.prev_checkpoint_seq, row.record_hash, row.signed_at, row.key_id)
        assert trusted.verify(row.key_id, message, row.signature)


def test_checkpoint_after_interval(audit_url, data_dir, clock):
    from tests.audit.conftest import build_log

    log = build_log(audit_url, data_dir, clock=clock, checkpoint_every=1000)
    log.append(view_event("1"))
    log.append(view_event("2"))
    clock.advance(minutes=6)
    log.append(view_event("3"))
    with log.engine.connect() as connection:
        signed = connection.execute(select(checkpoints.c.seq).order_by(checkpoints.c.seq)).scalars().all()
    log.engine.dispose()

    assert signed == [1, 3]


def test_explicit_checkpoint_signs_head(audit_log):
    for index in range(3):
        audit_log.append(view_event(str(index)))

    assert audit_log.checkpoint() == 3
    assert audit_log.checkpoint() is None


@pytest.mark.parametrize("statement", [
    "UPDATE audit_records SET outcome = 'failure' WHERE seq = 1",
    "DELETE FROM audit_records WHERE seq = 1",
    "UPDATE audit_checkpoints SET record_hash = 'x' WHERE seq = 1",
    "DELETE FROM audit_checkpoints",
])
def test_triggers_reject_update_and_delete(audit_log, statement):
    audit_log.append(view_event("1"))

    with pytest.raises(DBAPIError) as caught:
        with audit_log.engine.begin() as connection:
            connection.execute(text(statement))
    assert "append-only" in str(caught.value)
    with audit_log.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM audit_records")).scalar() == 1


def test_truncate_rejected_on_postgres(audit_log):
    if audit_log.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE exists only on PostgreSQL")
    audit_log.append(view_event("1"))

    with pytest.raises(DBAPIError, match="append-only"):
        with audit_log.engine.begin() as connection:
            connection.execute(text("TRUNCATE audit_records"))


def test_details_must_be_json(audit_log):
    with pytest.raises(ValueError, match="not JSON-serialisable"):
        audit_log.append(view_event("1", when=object()))
    assert verify_log(audit_log.engine, _no_keys(), save=False).records_checked == 0


def test_overlong_id_rejected(audit_log):
    with pytest.raises(ValueError, match="patient_id is 65 characters"):
        audit_log.append(view_event("x" * 65))


def test_audit_migrations_keep_own_version_table(audit_url):
    from assistant.audit.database import make_audit_engine, migrate

    migrate(audit_url)  # a second run is a no-op
    engine = make_audit_engine(audit_url)
    with engine.connect() as connection:
        audit_version = connection.execute(text("SELECT version_num FROM audit_alembic_version")).scalar()
    engine.dispose()
    assert audit_version == "a0001"


def test_scheduling_and_audit_share_sqlite(tmp_path):
    from assistant.audit.database import migrate as migrate_audit
    from scheduling.db import make_engine, migrate as migrate_scheduling

    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    migrate_audit(url)
    migrate_scheduling(url)
    migrate_audit(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        scheduling_version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        audit_version = connection.execute(text("SELECT version_num FROM audit_alembic_version")).scalar()
        tables = set(connection.execute(text("SELECT name FROM sqlite_master WHERE type='table'")).scalars())
    engine.dispose()
    assert audit_version == "a0001"
    assert scheduling_version and scheduling_version != "a0001"
    assert {"audit_records", "patients"} <= tables


def _no_keys():
    from assistant.audit.signing import TrustedKeys

    return TrustedKeys([])
