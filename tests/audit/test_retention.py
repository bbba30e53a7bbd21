"""Retention runs shred expired payload keys, call purgers, and record the evidence."""

from __future__ import annotations

import argparse
import datetime as dt
import json

import pytest

from assistant.audit import cli
from assistant.audit.payloads import SHREDDED, PayloadCipher
from assistant.audit.query import AuditFilter, AuditQuery
from assistant.audit.retention import RetentionPolicy, run_retention_policy
from assistant.audit.verify import verify_log
from tests.audit.conftest import build_log
from tests.audit.helpers import reply_event

POLICY = RetentionPolicy(conversations_days=30, transcripts_days=60, audit_payloads_days=400)


def _old_and_new(audit_url, data_dir, clock):
    log = build_log(audit_url, data_dir, clock=clock)
    clock.now = dt.datetime(2026, 1, 15, tzinfo=dt.timezone.utc)
    old = log.append(reply_event("1", "January reply"))
    clock.now = dt.datetime(2026, 4, 20, tzinfo=dt.timezone.utc)
    new = log.append(reply_event("1", "April reply"))
    return log, old, new


def test_expired_transcripts_shredded(audit_url, data_dir, clock, trusted):
    log, old, new = _old_and_new(audit_url, data_dir, clock)
    purged = []

    result = run_retention_policy(log, POLICY, purgers={"conversations": lambda cutoff, dry: purged.append(cutoff) or 7},
                                  now=clock.now)

    fresh = PayloadCipher(log.engine, log.cipher.keyring)
    assert result.counts == {"transcripts": 1, "audit_payloads": 0, "conversations": 7}
    assert purged == [clock.now - dt.timedelta(days=30)]
    assert fresh.open(old.event_id, old.payload) == {"reply": SHREDDED}
    assert fresh.open(new.event_id, new.payload) == {"reply": "April reply"}
    evidence = AuditQuery(log).search(AuditFilter(event_types=["retention_purge"]))
    assert len(evidence) == 1
    assert evidence[0].seq == result.evidence_seq
    assert evidence[0].details_dict["counts"] == result.counts
    assert evidence[0].details_dict["not_purged"] == []
    assert verify_log(log.engine, trusted).ok
    log.engine.dispose()


def test_dry_run_changes_nothing(audit_url, data_dir, clock):
    log, old, _ = _old_and_new(audit_url, data_dir, clock)

    result = run_retention_policy(log, POLICY, dry_run=True, now=clock.now)

    assert result.counts == {"transcripts": 1, "audit_payloads": 0, "conversations": None}
    assert log.cipher.open(old.event_id, old.payload) == {"reply": "January reply"}
    evidence = AuditQuery(log).search(AuditFilter(event_types=["retention_purge"]))[0].details_dict
    assert evidence["dry_run"] is True
    assert evidence["not_purged"] == ["conversations"]
    log.engine.dispose()


def test_current_month_kept(audit_url, data_dir, clock):
    log, _, new = _old_and_new(audit_url, data_dir, clock)

    # The April key covers April 20, which is older than a 1-day cutoff, but April is not over.
    result = run_retention_policy(log, RetentionPolicy(1, 1, 1), now=clock.now + dt.timedelta(days=2))

    assert result.counts["transcripts"] == 1
    assert log.cipher.open(new.event_id, new.payload) == {"reply": "April reply"}
    log.engine.dispose()


def test_unknown_purger_rejected(audit_url, data_dir, clock):
    log, _, _ = _old_and_new(audit_url, data_dir, clock)

    with pytest.raises(ValueError, match="no retention period for escalations"):
        run_retention_policy(log, POLICY, purgers={"escalations": lambda cutoff, dry: 0})
    assert AuditQuery(log).search(AuditFilter(event_types=["retention_purge"])) == []
    log.engine.dispose()


def test_cli_retention_run(audit_url, data_dir, monkeypatch, capsys):
    monkeypatch.setenv("AUDIT_DATABASE_URL", audit_url)
    monkeypatch.setenv("CLINIC_DATA_DIR", str(data_dir))
    monkeypatch.setenv("AUDIT_STREAM", "off")
    parser = argparse.ArgumentParser()
    cli.configure_retention(parser)

    assert cli.run_retention(parser.parse_args(["run", "--json"])) == 0

    output = json.loads(capsys.readouterr().out)
    assert output["counts"] == {"transcripts": 0, "audit_payloads": 0, "conversations": None}
    assert output["evidence_seq"] == 1
