"""Alert rules: each alert is itself an `alert` record in the chain."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from assistant.audit import Actor, AuditEvent, EventType, Outcome, Source, Subject
from assistant.audit.alerts import AlertRules
from assistant.audit.schema import records
from tests.audit.conftest import build_log

STAFF = Actor("staff-7", "front_desk", "org-1", "site-2")
# Tuesday 2026-03-10: 15:00 UTC is 09:00 in Denver (inside hours); 03:00 UTC on the 11th is 21:00.
DAYTIME = dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.timezone.utc)
NIGHT = dt.datetime(2026, 3, 11, 3, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def alerting(audit_url, data_dir, clock):
    rules = AlertRules(business_hours=(dt.time(7), dt.time(19)), business_days=frozenset(range(5)),
                       time_zone="America/Denver", failed_sign_ins=3, guardrail_blocks=2,
                       window=dt.timedelta(minutes=15), export_records=100)
    log = build_log(audit_url, data_dir, clock=clock, alerts=rules)
    yield log
    log.engine.dispose()


def _alerts(log) -> list[dict]:
    with log.engine.connect() as connection:
        rows = connection.execute(select(records).where(records.c.event_type == "alert").order_by(records.c.seq)).all()
    import json

    return [json.loads(row.details) | {"seq": row.seq, "correlation_id": row.correlation_id} for row in rows]


def _event(event_type, outcome=Outcome.SUCCESS, actor=STAFF, ip="127.0.0.1", **kwargs) -> AuditEvent:
    return AuditEvent(event_type, actor, source=Source(ip=ip, channel="console"), outcome=outcome, **kwargs)


def test_break_glass_alerts(alerting):
    trigger = alerting.append(_event(EventType.BREAK_GLASS, subject=Subject(patient_id="3"),
                                     details={"phase": "started"}, correlation_id="req-1"))
    alerting.append(_event(EventType.BREAK_GLASS, details={"phase": "ended"}))

    alerts = _alerts(alerting)
    assert [alert["rule"] for alert in alerts] == ["break_glass"]
    assert alerts[0]["trigger_seq"] == trigger.seq
    assert alerts[0]["correlation_id"] == "req-1"


def test_bulk_export_alerts(alerting):
    alerting.append(_event(EventType.EXPORT, details={"record_count": 99}))
    alerting.append(_event(EventType.EXPORT, details={"record_count": 100}))

    alerts = _alerts(alerting)
    assert [alert["rule"] for alert in alerts] == ["bulk_export"]
    assert alerts[0]["record_count"] == 100


def test_after_hours_access_alerts(alerting, clock):
    clock.now = DAYTIME
    alerting.append(_event(EventType.PATIENT_VIEWED, subject=Subject(patient_id="1")))
    clock.now = NIGHT
    alerting.append(_event(EventType.PATIENT_VIEWED, subject=Subject(patient_id="1")))
    alerting.append(_event(EventType.PATIENT_VIEWED, actor=Actor("patient-1", "patient")))

    alerts = _alerts(alerting)
    assert [alert["rule"] for alert in alerts] == ["after_hours_access"]
    assert alerts[0]["trigger_actor_id"] == "staff-7"


def test_weekend_access_alerts(alerting, clock):
    clock.now = dt.datetime(2026, 3, 14, 18, 0, tzinfo=dt.timezone.utc)  # Saturday noon in Denver
    alerting.append(_event(EventType.CONVERSATION_VIEWED))

    assert [alert["rule"] for alert in _alerts(alerting)] == ["after_hours_access"]


def test_repeated_failed_sign_ins_alert_once(alerting, clock):
    for _ in range(5):
        alerting.append(_event(EventType.SIGN_IN, Outcome.FAILURE, ip="127.0.0.9"))
        clock.advance(seconds=30)

    alerts = _alerts(alerting)
    assert sorted(alert["by"] for alert in alerts) == ["account", "source_ip"]
    assert all(alert["count"] == 3 for alert in alerts)


def test_failed_sign_ins_outside_window_ignored(alerting, clock):
    for _ in range(3):
        alerting.append(_event(EventType.SIGN_IN, Outcome.FAILURE))
        clock.advance(minutes=10)

    assert _alerts(alerting) == []


def test_anonymous_failures_count_by_ip(alerting):
    for index in range(3):
        alerting.append(_event(EventType.SIGN_IN, Outcome.FAILURE, actor=Actor("anonymous", "unknown"),
                               ip=f"127.0.0.{10 + index}"))
    assert _alerts(alerting) == []

    for _ in range(3):
        alerting.append(_event(EventType.SIGN_IN, Outcome.FAILURE, actor=Actor("anonymous", "unknown"),
                               ip="127.0.0.20"))
    assert [alert["by"] for alert in _alerts(alerting)] == ["source_ip"]


def test_repeated_guardrail_blocks_alert(alerting):
    patient = Actor("patient-1", "patient")
    for conversation in ("conv-a", "conv-b", "conv-a"):
        alerting.append(_event(EventType.GUARDRAIL_DECISION, Outcome.BLOCKED, actor=patient,
                               subject=Subject(patient_id="1", conversation_id=conversation),
                               details={"stage": "input", "action": "injection"}))

    alerts = _alerts(alerting)
    assert [alert["rule"] for alert in alerts] == ["repeated_guardrail_blocks"]
    assert alerts[0]["count"] == 2


def test_alert_records_join_chain(alerting, trusted):
    from assistant.audit.verify import verify_log

    alerting.append(_event(EventType.BREAK_GLASS, details={"phase": "started"}))

    report = verify_log(alerting.engine, trusted)
    assert report.ok
    assert report.records_checked == 2
