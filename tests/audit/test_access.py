"""Access events from the console helpers and from `scheduling.events` producers."""

from __future__ import annotations

import pytest

from assistant.audit import Actor, EventType, Source
from assistant.audit.access import AccessAuditor, event_from_security_event, security_event_sink
from assistant.audit.query import AuditFilter, AuditQuery

STAFF = Actor("staff-7", "front_desk", "org-1", "site-2")
SOURCE = Source(ip="127.0.0.1", channel="console", user_agent="pytest")


def test_access_helpers_record_events(audit_log):
    auditor = AccessAuditor(audit_log, STAFF, SOURCE, correlation_id="req-1")

    auditor.sign_in(False, reason_code="bad_password")
    auditor.sign_in(True)
    auditor.mfa(True)
    auditor.patient_viewed(3, purpose="scheduling")
    auditor.conversation_viewed("conv-1", patient_id=3, escalated=True)
    auditor.export("appointments", 12, "csv")
    auditor.role_changed(8, "front_desk", "admin")
    auditor.permission_changed(8, "export", True)
    auditor.break_glass(3, grant_id=5)
    auditor.config_changed("AUDIT_STREAM", old_digest="a1", new_digest="b2")
    auditor.session_timeout()
    auditor.sign_out()

    found = AuditQuery(audit_log).search(AuditFilter(actor_id="staff-7"))
    assert [record.event_type for record in found] == [
        "sign_in", "sign_in", "mfa", "patient_viewed", "conversation_viewed", "export", "role_changed",
        "permission_changed", "break_glass", "config_changed", "session_timeout", "sign_out"]
    assert found[0].outcome == "failure"
    assert found[3].patient_id == "3"
    assert found[3].source_ip == "127.0.0.1"
    assert found[3].user_agent == "pytest"
    assert found[3].tenant_id == "org-1"
    assert found[3].site_id == "site-2"
    assert {record.correlation_id for record in found} == {"req-1"}


@pytest.mark.parametrize(("name", "fields", "event_type", "outcome", "actor_id"), [
    ("auth.sign_in", {"kind": "staff", "account_id": 4, "organization_id": 1}, "sign_in", "success", "staff-4"),
    ("auth.sign_in_failed", {"kind": "patient"}, "sign_in", "failure", "anonymous"),
    ("auth.mfa_failed", {"kind": "staff", "account_id": 4}, "mfa", "failure", "staff-4"),
    ("break_glass.started", {"alert": True, "grant_id": 2, "staff_id": 4, "patient_id": 3}, "break_glass",
     "success", "staff-4"),
    ("export.created", {"alert": True, "kind": "appointments", "rows": 40, "staff_id": 4}, "export", "success",
     "staff-4"),
    ("staff.role_changed", {"alert": True, "staff_id": 9, "old_role": "front_desk"}, "role_changed", "success",
     "staff-9"),
    ("session.ended", {"kind": "patient", "account_id": 2, "session_id": "s-1"}, "sign_out", "success", "patient-2"),
    ("something.new", {"staff_id": 4}, "security_event", "success", "staff-4"),
])
def test_security_events_mapped(name, fields, event_type, outcome, actor_id):
    event = event_from_security_event(name, fields)

    assert event.type.value == event_type
    assert event.outcome.value == outcome
    assert event.actor.id == actor_id
    assert event.details["source_event"] == name


def test_security_event_sink_appends(audit_log):
    sink = security_event_sink(audit_log)

    sink("export.created", {"alert": True, "kind": "appointments", "rows": 40, "staff_id": 4, "ip": "127.0.0.1"})
    sink("break_glass.started", {"alert": True, "grant_id": 2, "staff_id": 4, "patient_id": 3})

    found = AuditQuery(audit_log).search(AuditFilter(actor_id="staff-4"))
    assert [record.event_type for record in found] == ["export", "break_glass"]
    assert found[0].details_dict["record_count"] == 40
    assert found[0].source_ip == "127.0.0.1"
    assert found[1].patient_id == "3"
    assert EventType.BREAK_GLASS.value == found[1].event_type
