"""Audit glue for the chat service: a TurnAuditor per turn, or a no-op one without an audit log."""

from __future__ import annotations

from typing import Any

from assistant.audit import AuditLog
from assistant.audit.turns import TurnAuditor

LOCAL_MODEL_NAME = "local-rules-v1"


class NoTurnAudit:
    """Stands in for TurnAuditor when the service runs without an audit log (some tests)."""

    def __enter__(self) -> NoTurnAudit:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def __getattr__(self, name: str):
        def ignore(*args: Any, **kwargs: Any) -> None:
            return None

        return ignore


def turn_auditor(
    log: AuditLog | None,
    *,
    patient: dict,
    conversation_id: str,
    channel: str,
    engine: str,
    model: str | None,
    prompt_version: str,
) -> TurnAuditor | NoTurnAudit:
    """Return the auditor of one turn; its records share one correlation id."""
    if log is None:
        return NoTurnAudit()
    return TurnAuditor(
        log,
        patient_id=patient["id"],
        conversation_id=conversation_id,
        channel=channel,
        engine=engine,
        model=model if engine != "local" else LOCAL_MODEL_NAME,
        prompt_version=prompt_version,
        tenant=str(patient["organization_id"]) if patient.get("organization_id") is not None else None,
    )
