"""Audit of one chat turn: prompts, model output, tool calls, guardrail decisions and the reply.

`ChatService.handle` creates a `TurnAuditor` per turn, feeds it as the turn runs and calls
`flush()` (or uses it as a context manager) so the turn's records are appended in one batch
that shares one correlation id. Only the delivered reply, the model output after
re-identification and the tool arguments are PHI; they go into encrypted payload fields.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from assistant.audit.events import Actor, AuditEvent, EventType, Outcome, Source, Subject, new_correlation_id
from assistant.audit.log import AuditLog
from assistant.audit.records import AuditRecord

logger = logging.getLogger(__name__)

FINDING_KEYS = ("entity_type", "start", "end", "score", "source", "rail", "rules")
"""Finding keys kept in clear; anything else a finding carries is dropped as possible PHI."""


class TurnAuditor:
    """Collects the events of one chat turn and appends them together."""

    def __init__(
        self,
        log: AuditLog,
        *,
        patient_id: str | int,
        conversation_id: str,
        channel: str,
        engine: str,
        model: str | None = None,
        prompt_version: str | None = None,
        tenant: str | None = None,
        source: Source | None = None,
        correlation_id: str | None = None,
    ) -> None:
        self.log = log
        self.correlation_id = correlation_id or new_correlation_id()
        self.actor = Actor(id=f"patient-{patient_id}", role="patient", tenant=tenant)
        self.subject = Subject(patient_id=str(patient_id), conversation_id=conversation_id)
        self.source = source or Source(channel=channel)
        self.model_details = {"engine": engine, "model": model, "prompt_version": prompt_version}
        self.pending: list[AuditEvent] = []
        self.prompt_count = 0

    def __enter__(self) -> TurnAuditor:
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        if exc_type is not None:
            self.guardrail("turn", "error", outcome=Outcome.ERROR, error=exc_type.__name__)
        self.flush()

    def on_prompt(self, messages: Iterable[Any]) -> None:
        """Record the de-identified messages exactly as sent to the engine (a PromptObserver)."""
        self.prompt_count += 1
        sent = [_message_dict(message) for message in messages]
        self._add(EventType.MODEL_PROMPT, details={**self.model_details, "call": self.prompt_count, "messages": sent})

    def model_output(self, message: Any, *, reidentified: bool = False) -> None:
        """Record the engine's raw output message.

        With `reidentified` False (the message still carries placeholders) it is kept in clear;
        with True it may contain PHI and is encrypted.
        """
        data = _message_dict(message)
        details = {**self.model_details, "call": self.prompt_count, "tool_call_names": data.get("tool_call_names", [])}
        if reidentified:
            self._add(EventType.MODEL_OUTPUT, details=details, phi={"output": data})
        else:
            self._add(EventType.MODEL_OUTPUT, details={**details, "output": data})

    def input_decision(self, verdict: Any) -> None:
        """Record a guardrails InputVerdict: the action, the rail, its rules and score."""
        blocked = verdict.action != "allow"
        self.guardrail("input", verdict.action, outcome=Outcome.BLOCKED if blocked else Outcome.SUCCESS,
                       findings=_clean_findings(verdict.findings), handoff_priority=verdict.handoff_priority)

    def deidentification(self, findings: Iterable[dict]) -> None:
        """Record what de-identification replaced: entity types, offsets and scores, never values."""
        cleaned = _clean_findings(findings)
        self.guardrail("deidentify", "replaced" if cleaned else "none", findings=cleaned,
                       entity_types=sorted({finding.get("entity_type") for finding in cleaned} - {None}))

    def output_decision(self, verdict: Any) -> None:
        """Record a guardrails OutputVerdict: blocked or redacted, the reasons, and any hand-off."""
        action = "allow"
        if verdict.blocked:
            action = "blocked"
        elif verdict.redacted:
            action = "redacted"
        self.guardrail("output", action, outcome=Outcome.BLOCKED if verdict.blocked else Outcome.SUCCESS,
                       reasons=list(verdict.reasons), handoff=verdict.handoff)

    def guardrail(self, stage: str, action: str, *, outcome: Outcome = Outcome.SUCCESS, **details: Any) -> None:
        """Record any guardrail decision; `details` must hold no PHI."""
        self._add(EventType.GUARDRAIL_DECISION, outcome=outcome, details={"stage": stage, "action": action, **details})

    def tool_calls(self, calls: Iterable[Any]) -> None:
        """Record ToolCallRecord(name, args, status) items; the arguments are encrypted."""
        for call in calls:
            status = str(call.status)
            # Tools report "ok", "confirmation_required" or "error: <code>"; only errors failed.
            outcome = Outcome.FAILURE if status.startswith("error") else Outcome.SUCCESS
            self._add(EventType.TOOL_CALL, outcome=outcome,
                      details={"name": call.name, "status": status, "arg_names": sorted(call.args or {})},
                      phi={"args": call.args or {}})

    def reply(self, text: str, *, handoff: bool = False) -> None:
        """Record the reply as delivered to the patient (encrypted, data class "transcript")."""
        self._add(EventType.REPLY_DELIVERED, details={"length": len(text), "handoff": handoff},
                  phi={"reply": text}, phi_class="transcript")

    def reidentification(self, mapping: dict[str, str]) -> None:
        """Record the placeholder-to-value mapping used this turn; the values are encrypted."""
        if mapping:
            self._add(EventType.GUARDRAIL_DECISION,
                      details={"stage": "reidentify", "action": "restored", "placeholders": sorted(mapping)},
                      phi={"mapping": mapping})

    def flush(self) -> list[AuditRecord]:
        """Append the collected events in one batch and return their records."""
        events, self.pending = self.pending, []
        return self.log.append_many(events)

    def _add(self, event_type: EventType, *, outcome: Outcome = Outcome.SUCCESS, details: dict,
             phi: dict | None = None, phi_class: str = "audit_payload") -> None:
        self.pending.append(AuditEvent(
            type=event_type, actor=self.actor, subject=self.subject, source=self.source, outcome=outcome,
            correlation_id=self.correlation_id, details=details, phi=phi or {}, phi_class=phi_class,
        ))


def _message_dict(message: Any) -> dict:
    """Convert a LangChain message (or plain text) into JSON: role, content and tool calls."""
    if isinstance(message, str):
        return {"role": "ai", "content": message}
    data: dict[str, Any] = {"role": getattr(message, "type", type(message).__name__), "content": message.content}
    tool_calls = getattr(message, "tool_calls", None)
    if tool_calls:
        data["tool_calls"] = [{"name": call["name"], "args": call["args"]} for call in tool_calls]
        data["tool_call_names"] = [call["name"] for call in tool_calls]
    name = getattr(message, "name", None)
    if name:
        data["name"] = name
    return data


def _clean_findings(findings: Iterable[dict]) -> list[dict]:
    return [{key: finding[key] for key in FINDING_KEYS if key in finding} for finding in findings or []]
