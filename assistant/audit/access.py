"""Access and security events: helpers for callers, and a sink for `scheduling.events`.

`AccessAuditor` has one method per event the console and the scheduling API must record.
`security_event_sink(log)` returns a function to register with `scheduling.events.add_sink`, so
every `emit(...)` of the sign-in, session, MFA, break-glass, export and staff routers becomes an
audit record. Events with no mapping are kept as `security_event`, never dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from assistant.audit.events import Actor, AuditEvent, EventType, Outcome, Source, Subject
from assistant.audit.log import AuditLog
from assistant.audit.records import AuditRecord

logger = logging.getLogger(__name__)


class AccessAuditor:
    """Records access and security events for one request's actor and source."""

    def __init__(self, log: AuditLog, actor: Actor, source: Source, correlation_id: str | None = None) -> None:
        self.log = log
        self.actor = actor
        self.source = source
        self.correlation_id = correlation_id

    def record(self, event_type: EventType, outcome: Outcome = Outcome.SUCCESS, subject: Subject | None = None,
               **details: Any) -> AuditRecord:
        """Append one event of `event_type`; `details` must hold ids and codes only."""
        return self.log.append(AuditEvent(
            type=event_type, actor=self.actor, subject=subject or Subject(), source=self.source,
            outcome=outcome, correlation_id=self.correlation_id, details=details,
        ))

    def sign_in(self, success: bool, method: str = "password", reason_code: str | None = None) -> AuditRecord:
        return self.record(EventType.SIGN_IN, Outcome.SUCCESS if success else Outcome.FAILURE,
                           method=method, reason_code=reason_code)

    def mfa(self, success: bool, step: str = "verify") -> AuditRecord:
        return self.record(EventType.MFA, Outcome.SUCCESS if success else Outcome.FAILURE, step=step)

    def sign_out(self) -> AuditRecord:
        return self.record(EventType.SIGN_OUT)

    def session_timeout(self, kind: str = "idle") -> AuditRecord:
        return self.record(EventType.SESSION_TIMEOUT, kind=kind)

    def patient_viewed(self, patient_id: str | int, purpose: str | None = None) -> AuditRecord:
        return self.record(EventType.PATIENT_VIEWED, subject=Subject(patient_id=str(patient_id)), purpose=purpose)

    def conversation_viewed(self, conversation_id: str, patient_id: str | int | None = None,
                            escalated: bool = False) -> AuditRecord:
        subject = Subject(patient_id=None if patient_id is None else str(patient_id), conversation_id=conversation_id)
        return self.record(EventType.CONVERSATION_VIEWED, subject=subject, escalated=escalated)

    def export(self, kind: str, record_count: int, export_format: str) -> AuditRecord:
        return self.record(EventType.EXPORT, kind=kind, record_count=record_count, format=export_format)

    def role_changed(self, staff_id: str | int, old_role: str | None, new_role: str) -> AuditRecord:
        return self.record(EventType.ROLE_CHANGED, target_actor_id=f"staff-{staff_id}", old_role=old_role,
                           new_role=new_role)

    def permission_changed(self, staff_id: str | int, permission: str, granted: bool) -> AuditRecord:
        return self.record(EventType.PERMISSION_CHANGED, target_actor_id=f"staff-{staff_id}",
                           permission=permission, granted=granted)

    def break_glass(self, patient_id: str | int | None, grant_id: str | int, phase: str = "started") -> AuditRecord:
        subject = Subject(patient_id=None if patient_id is None else str(patient_id))
        return self.record(EventType.BREAK_GLASS, subject=subject, grant_id=str(grant_id), phase=phase)

    def config_changed(self, setting: str, old_digest: str | None = None, new_digest: str | None = None) -> AuditRecord:
        """Record a settings change by name; pass digests, never secret values."""
        return self.record(EventType.CONFIG_CHANGED, setting=setting, old_digest=old_digest, new_digest=new_digest)


# scheduling.events name -> (audit type, outcome, extra details)
SECURITY_EVENT_MAP: dict[str, tuple[EventType, Outcome, dict[str, Any]]] = {
    "auth.sign_in": (EventType.SIGN_IN, Outcome.SUCCESS, {}),
    "auth.sign_in_failed": (EventType.SIGN_IN, Outcome.FAILURE, {}),
    "auth.reauthenticated": (EventType.SIGN_IN, Outcome.SUCCESS, {"step": "reauthenticated"}),
    "auth.lockout": (EventType.SIGN_IN, Outcome.BLOCKED, {"step": "lockout"}),
    "auth.mfa_verified": (EventType.MFA, Outcome.SUCCESS, {"step": "verify"}),
    "auth.mfa_enrolled": (EventType.MFA, Outcome.SUCCESS, {"step": "enroll"}),
    "auth.mfa_failed": (EventType.MFA, Outcome.FAILURE, {"step": "verify"}),
    "session.ended": (EventType.SIGN_OUT, Outcome.SUCCESS, {}),
    "session.ended_everywhere": (EventType.SIGN_OUT, Outcome.SUCCESS, {"scope": "everywhere"}),
    "session.terminated": (EventType.SIGN_OUT, Outcome.SUCCESS, {"by": "administrator"}),
    "session.expired": (EventType.SESSION_TIMEOUT, Outcome.SUCCESS, {}),
    "break_glass.started": (EventType.BREAK_GLASS, Outcome.SUCCESS, {"phase": "started"}),
    "break_glass.ended": (EventType.BREAK_GLASS, Outcome.SUCCESS, {"phase": "ended"}),
    "export.created": (EventType.EXPORT, Outcome.SUCCESS, {}),
    "patient.unmasked_view": (EventType.PATIENT_VIEWED, Outcome.SUCCESS, {}),
    "escalation.claimed": (EventType.CONVERSATION_VIEWED, Outcome.SUCCESS, {"escalated": True}),
    "appointment.booked_by_staff": (EventType.APPOINTMENT_CHANGED, Outcome.SUCCESS, {"change": "booked"}),
    "appointment.cancelled_by_staff": (EventType.APPOINTMENT_CHANGED, Outcome.SUCCESS, {"change": "cancelled"}),
    "appointment.rescheduled_by_staff": (EventType.APPOINTMENT_CHANGED, Outcome.SUCCESS, {"change": "rescheduled"}),
    "staff.created": (EventType.PERMISSION_CHANGED, Outcome.SUCCESS, {"change": "account_created"}),
    "staff.role_changed": (EventType.ROLE_CHANGED, Outcome.SUCCESS, {}),
}
ROUTING_FIELDS = {"ip", "user_agent", "channel", "correlation_id", "patient_id", "appointment_id",
                  "conversation_id", "organization_id", "site_id"}


def security_event_sink(log: AuditLog) -> Callable[[str, dict[str, Any]], None]:
    """Return a `scheduling.events` sink that appends each emitted event to `log`.

    The actor is `staff_id` when present, else `<kind>-<account_id>`, else "anonymous". Failures
    are logged with the event name and re-raised, so `scheduling.events.emit` logs them too.
    """
    def sink(name: str, fields: dict[str, Any]) -> None:
        try:
            log.append(event_from_security_event(name, fields))
        except Exception:
            logger.error("Audit of security event %s failed", name)
            raise

    return sink


def event_from_security_event(name: str, fields: dict[str, Any]) -> AuditEvent:
    """Map one `scheduling.events` event onto an AuditEvent."""
    event_type, outcome, extra = SECURITY_EVENT_MAP.get(name, (EventType.SECURITY_EVENT, Outcome.SUCCESS, {}))
    kind = fields.get("kind")
    if fields.get("staff_id") is not None:
        actor = Actor(f"staff-{fields['staff_id']}", "staff", _text(fields.get("organization_id")),
                      _text(fields.get("site_id")))
    elif fields.get("account_id") is not None:
        actor = Actor(f"{kind or 'account'}-{fields['account_id']}", kind or "unknown",
                      _text(fields.get("organization_id")), _text(fields.get("site_id")))
    else:
        actor = Actor("anonymous", kind or "unknown", _text(fields.get("organization_id")))
    details = {key: value for key, value in fields.items() if key not in ROUTING_FIELDS}
    details.update(extra, source_event=name)
    if "rows" in details:
        details["record_count"] = details["rows"]
    return AuditEvent(
        type=event_type,
        actor=actor,
        subject=Subject(patient_id=_text(fields.get("patient_id")), appointment_id=_text(fields.get("appointment_id")),
                        conversation_id=_text(fields.get("conversation_id"))),
        source=Source(ip=_text(fields.get("ip")), channel=_text(fields.get("channel")),
                      user_agent=_text(fields.get("user_agent"))),
        outcome=outcome,
        correlation_id=_text(fields.get("correlation_id")),
        details=details,
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
