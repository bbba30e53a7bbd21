"""Event builders and attacker-style helpers shared by the audit tests."""

from __future__ import annotations

from sqlalchemy import Engine, text

from assistant.audit import Actor, AuditEvent, EventType, Outcome, Source, Subject

STAFF = Actor(id="staff-7", role="front_desk", tenant="org-1", site="site-2")
PATIENT_ACTOR = Actor(id="patient-1", role="patient", tenant="org-1")


def view_event(patient_id: str = "1", actor: Actor = STAFF, **details) -> AuditEvent:
    return AuditEvent(EventType.PATIENT_VIEWED, actor, Subject(patient_id=patient_id),
                      Source(ip="127.0.0.1", channel="console", user_agent="pytest"), details=details)


def reply_event(patient_id: str, reply: str, correlation_id: str = "turn-1") -> AuditEvent:
    return AuditEvent(EventType.REPLY_DELIVERED, PATIENT_ACTOR,
                      Subject(patient_id=patient_id, conversation_id="conv-1"), Source(channel="web"),
                      Outcome.SUCCESS, correlation_id, details={"length": len(reply)},
                      phi={"reply": reply}, phi_class="transcript")


def as_attacker(engine: Engine, *statements: str) -> None:
    """Drop the append-only triggers and run `statements`, as someone with database access could."""
    with engine.begin() as connection:
        for table in ("audit_records", "audit_checkpoints"):
            if engine.dialect.name == "postgresql":
                connection.execute(text(f"DROP TRIGGER {table}_append_only ON {table}"))
                continue
            for operation in ("update", "delete"):
                connection.execute(text(f"DROP TRIGGER {table}_no_{operation}"))
        for statement in statements:
            connection.execute(text(statement))
