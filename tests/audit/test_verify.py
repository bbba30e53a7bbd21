"""Verification finds the first tampering done directly in the database, with its kind and seq."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text

from assistant.audit import cli
from assistant.audit.canonical import record_hash, RECORD_FIELDS
from assistant.audit.schema import records, verifications
from assistant.audit.signing import TrustedKeys
from assistant.audit.verify import verify_log
from tests.audit.helpers import as_attacker, view_event


def _fill(log, count: int = 30) -> None:
    """Append one record at a time, so checkpoints (every 10) land at seq 1, 11, 21, ..."""
    for index in range(count):
        log.append(view_event(str(index % 4 + 1)))


def test_intact_log_verifies(audit_log, trusted):
    _fill(audit_log)

    report = verify_log(audit_log.engine, trusted)

    assert report.ok
    assert report.problem is None
    assert report.records_checked == 30
    assert report.last_seq == 30
    assert report.checkpoints_checked >= 1


def test_empty_log_verifies(audit_log, trusted):
    report = verify_log(audit_log.engine, trusted)

    assert report.ok
    assert report.records_checked == 0


def test_edited_record_named(audit_log, trusted):
    _fill(audit_log)
    as_attacker(audit_log.engine, "UPDATE audit_records SET outcome = 'failure' WHERE seq = 12")

    report = verify_log(audit_log.engine, trusted)

    assert not report.ok
    assert report.problem.kind == "edited"
    assert report.problem.seq == 12


def test_edited_and_rehashed_record_named(audit_log, trusted):
    _fill(audit_log)
    with audit_log.engine.connect() as connection:
        row = connection.execute(select(records).where(records.c.seq == 14)).one()
    values = {name: row._mapping[name] for name in RECORD_FIELDS}
    values["actor_id"] = "someone-else"
    forged = record_hash(values)
    as_attacker(audit_log.engine,
                f"UPDATE audit_records SET actor_id = 'someone-else', record_hash = '{forged}' WHERE seq = 14")

    report = verify_log(audit_log.engine, trusted)

    assert report.problem.kind == "edited"
    assert report.problem.seq == 14


def test_deleted_record_named(audit_log, trusted):
    _fill(audit_log)
    as_attacker(audit_log.engine, "DELETE FROM audit_records WHERE seq = 17")

    report = verify_log(audit_log.engine, trusted)

    assert report.problem.kind == "deleted"
    assert report.problem.seq == 17


def test_deleted_and_renumbered_named(audit_log, trusted):
    _fill(audit_log, 20)
    # Checkpoints sit at 1 and 11, so the renumbered range stays clear of them.
    shifts = [f"UPDATE audit_records SET seq = {seq - 1} WHERE seq = {seq}" for seq in range(16, 21)]
    as_attacker(audit_log.engine, "DELETE FROM audit_records WHERE seq = 15", *shifts,
                "UPDATE audit_chain_head SET last_seq = 19")

    report = verify_log(audit_log.engine, trusted)

    assert report.problem.kind == "deleted"
    assert report.problem.seq == 15


def test_reordered_records_named(audit_log, trusted):
    _fill(audit_log)
    as_attacker(
        audit_log.engine,
        "UPDATE audit_records SET seq = -5 WHERE seq = 5",
        "UPDATE audit_records SET seq = 5 WHERE seq = 6",
        "UPDATE audit_records SET seq = 6 WHERE seq = -5",
    )

    report = verify_log(audit_log.engine, trusted)

    assert report.problem.kind == "reordered"
    assert report.problem.seq == 5


def test_truncated_log_named(audit_log, trusted):
    _fill(audit_log, 25)
    as_attacker(audit_log.engine, "DELETE FROM audit_records WHERE seq > 22")

    report = verify_log(audit_log.engine, trusted)

    assert report.problem.kind == "truncated"
    assert report.problem.seq == 23


def test_truncation_behind_checkpoint_named(audit_log, trusted):
    _fill(audit_log, 25)
    # The attacker also rewinds the chain head; the signed checkpoint at 21 still records seq 21.
    with audit_log.engine.connect() as connection:
        hash_18 = connection.execute(select(records.c.record_hash).where(records.c.seq == 18)).scalar()
    as_attacker(audit_log.engine, "DELETE FROM audit_records WHERE seq > 18",
                f"UPDATE audit_chain_head SET last_seq = 18, last_hash = '{hash_18}'")

    report = verify_log(audit_log.engine, trusted)

    assert report.problem.kind == "truncated"
    assert report.problem.seq == 19
    assert "checkpoint" in report.problem.message


def test_first_problem_reported(audit_log, trusted):
    _fill(audit_log)
    as_attacker(audit_log.engine, "DELETE FROM audit_records WHERE seq = 20",
                "UPDATE audit_records SET outcome = 'error' WHERE seq = 8")

    report = verify_log(audit_log.engine, trusted)

    assert (report.problem.kind, report.problem.seq) == ("edited", 8)


def test_forged_checkpoint_rejected(audit_log, trusted):
    _fill(audit_log)
    as_attacker(audit_log.engine, "UPDATE audit_checkpoints SET signed_at = '2020-01-01T00:00:00.000000Z' "
                                  "WHERE seq = 11")

    report = verify_log(audit_log.engine, trusted)

    assert report.problem.kind == "checkpoint_invalid"
    assert report.problem.seq == 11


def test_untrusted_key_rejected(audit_log):
    _fill(audit_log, 3)

    report = verify_log(audit_log.engine, TrustedKeys([]))

    assert report.problem.kind == "checkpoint_invalid"
    assert "not trusted" in report.problem.message


def test_parallel_scan_finds_same_problem(audit_log, trusted, monkeypatch):
    import assistant.audit.verify as verify_module

    _fill(audit_log, 40)
    as_attacker(audit_log.engine, "UPDATE audit_records SET outcome = 'failure' WHERE seq = 33")
    monkeypatch.setattr(verify_module, "PARALLEL_MIN_RECORDS", 10)

    report = verify_log(audit_log.engine, trusted, workers=2)

    assert report.problem.kind == "edited"
    assert report.problem.seq == 33


def test_parallel_scan_counts_all(audit_log, trusted, monkeypatch):
    import assistant.audit.verify as verify_module

    _fill(audit_log, 40)
    monkeypatch.setattr(verify_module, "PARALLEL_MIN_RECORDS", 10)

    report = verify_log(audit_log.engine, trusted, workers=3)

    assert report.ok
    assert report.records_checked == 40


def test_verification_result_saved(audit_log, trusted):
    _fill(audit_log, 5)
    verify_log(audit_log.engine, trusted)
    as_attacker(audit_log.engine, "DELETE FROM audit_records WHERE seq = 2")
    verify_log(audit_log.engine, trusted)

    with audit_log.engine.connect() as connection:
        rows = connection.execute(select(verifications).order_by(verifications.c.id)).all()
    assert [(row.ok, row.problem_kind, row.problem_seq) for row in rows] == [(True, None, None), (False, "deleted", 2)]


def test_cli_verify_exit_codes(audit_url, data_dir, audit_log, monkeypatch, capsys):
    monkeypatch.setenv("AUDIT_DATABASE_URL", audit_url)
    monkeypatch.setenv("CLINIC_DATA_DIR", str(data_dir))
    _fill(audit_log, 12)
    parser = _parser()

    assert cli.run_verify(parser.parse_args(["verify", "--json"])) == 0
    intact = json.loads(capsys.readouterr().out)
    assert intact["ok"] is True
    assert intact["records_checked"] == 12

    as_attacker(audit_log.engine, "UPDATE audit_records SET actor_id = 'x' WHERE seq = 4")
    assert cli.run_verify(parser.parse_args(["verify", "--json"])) == 1
    tampered = json.loads(capsys.readouterr().out)
    assert tampered["problem"]["kind"] == "edited"
    assert tampered["problem"]["seq"] == 4

    assert cli.run_verify(parser.parse_args(["verify"])) == 1
    assert "TAMPERED: edited at seq 4" in capsys.readouterr().out


def test_cli_expected_head_catches_silent_truncation(audit_url, data_dir, audit_log, monkeypatch, capsys):
    monkeypatch.setenv("AUDIT_DATABASE_URL", audit_url)
    monkeypatch.setenv("CLINIC_DATA_DIR", str(data_dir))
    _fill(audit_log, 5)
    last = audit_log.append(view_event("2"))
    with audit_log.engine.connect() as connection:
        hash_5 = connection.execute(select(records.c.record_hash).where(records.c.seq == 5)).scalar()
    # Remove the tail, its checkpoint and rewind the head: only the outside copy can tell.
    as_attacker(audit_log.engine, "DELETE FROM audit_records WHERE seq = 6",
                "DELETE FROM audit_checkpoints WHERE seq > 5",
                f"UPDATE audit_chain_head SET last_seq = 5, last_hash = '{hash_5}'")
    parser = _parser()

    assert cli.run_verify(parser.parse_args(["verify"])) == 0
    capsys.readouterr()
    args = parser.parse_args(["verify", "--json", "--expected-seq", str(last.seq), "--expected-hash", last.record_hash])
    assert cli.run_verify(args) == 1
    assert json.loads(capsys.readouterr().out)["problem"]["kind"] == "truncated"


def _parser():
    import argparse

    parser = argparse.ArgumentParser()
    cli.configure(parser)
    return parser
