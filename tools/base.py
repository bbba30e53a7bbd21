"""Shared parts of the booking tools: the per-conversation context, call records and the
confirmation gate.

A tool turns invalid arguments and every scheduling API error into a JSON result that the model
reads, with `"status": "ok"`, `"confirmation_required"` or `"error"`, and records its outcome
for the caller. Only a bug in the tool itself raises into the agent.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from langchain_core.tools import StructuredTool
from pydantic import BaseModel, ValidationError

from tools.client import ApiError, SchedulingClient
from tools.formatting import describe_slot

logger = logging.getLogger(__name__)


@dataclass
class ToolSession:
    """Tool-visible state of one conversation, saved with it between turns.

    `pending` is the action awaiting the patient's yes, as {"tool", "args", "summary"}.
    `confirmed` is true only during the turn in which the patient said yes to `pending`.
    `known_slots` maps slot ids the patient was shown to their details. `offered_human` is the
    reason of a hand-off the assistant offered and the patient has not yet accepted.
    """

    pending: dict | None = None
    confirmed: bool = False
    known_slots: dict[str, dict] = field(default_factory=dict)
    offered: list[dict] = field(default_factory=list)
    handoff: bool = False
    escalation_id: str | None = None
    offered_human: str | None = None

    def to_dict(self) -> dict:
        return {
            "pending": self.pending,
            "offered_human": self.offered_human,
            "known_slots": self.known_slots,
            "offered": self.offered,
            "handoff": self.handoff,
            "escalation_id": self.escalation_id,
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> ToolSession:
        data = data or {}
        return cls(
            pending=data.get("pending"),
            known_slots=data.get("known_slots", {}),
            offered=data.get("offered", []),
            handoff=data.get("handoff", False),
            escalation_id=data.get("escalation_id"),
            offered_human=data.get("offered_human"),
        )


@dataclass(frozen=True)
class ToolCallRecord:
    """One tool call as the chat output reports it: status is "ok" or "error: <reason>"."""

    name: str
    args: dict
    status: str


@dataclass
class ToolContext:
    """Everything a tool may use: the patient's API client and this conversation's state."""

    client: SchedulingClient
    conversation_id: str
    channel: str
    session: ToolSession
    records: list[ToolCallRecord] = field(default_factory=list)
    confirmed_key: str | None = None
    _directory: dict | None = None
    _patient: dict | None = None

    def directory(self) -> dict:
        """Return the clinic directory, fetched once per turn."""
        if self._directory is None:
            self._directory = self.client.directory()
        return self._directory

    def patient(self) -> dict:
        """Return the conversation's patient record, fetched once per turn."""
        if self._patient is None:
            self._patient = self.client.me()
        return self._patient

    def remember_slots(self, slots: list[dict]) -> None:
        for slot in slots:
            self.session.known_slots[slot["slot_id"]] = slot


def confirmation_gate(context: ToolContext, tool: str, args: dict, summary: str) -> dict | None:
    """Return a confirmation request unless the patient already said yes to exactly this action.

    The gate is the only way to book, cancel or reschedule: a model that calls the tool without a
    confirmed summary gets the summary back to ask, and the action is remembered as pending. When
    the gate opens, `context.confirmed_key` holds the pending action's key, which the tool sends as
    its Idempotency-Key so that a retried call cannot book twice.
    """
    pending = context.session.pending
    if context.session.confirmed and pending and pending["tool"] == tool and pending["args"] == args:
        context.session.pending = None
        context.session.confirmed = False
        context.confirmed_key = pending["key"]
        return None
    context.session.pending = {"tool": tool, "args": args, "summary": summary, "key": uuid.uuid4().hex}
    context.session.confirmed = False
    return {"status": "confirmation_required", "summary": summary}


def build_tool(
    context: ToolContext,
    name: str,
    description: str,
    args_schema: type[BaseModel],
    run: Callable[[ToolContext, BaseModel], dict],
) -> StructuredTool:
    """Wrap `run` as a LangChain tool that validates arguments and records the call.

    Validation and API errors become error results; any other exception is a bug and propagates.
    """

    def invoke(**raw_args: Any) -> str:
        args = {key: value for key, value in raw_args.items() if value is not None}
        try:
            parsed = args_schema(**raw_args)
            args = parsed.model_dump(mode="json", exclude_none=True)
            result = run(context, parsed)
        except ValidationError as exc:
            result = _error("invalid_arguments", _describe_validation(exc))
        except ApiError as exc:
            result = _error(exc.code, exc.message)
        status = "ok" if result.get("status") != "error" else f"error: {result['code']}"
        context.records.append(ToolCallRecord(name=name, args=args, status=status))
        logger.info("tool call", extra={"tool": name, "status": status, "conversation_id": context.conversation_id})
        return json.dumps(result, default=str)

    def reject(exc: ValidationError) -> str:
        """Return arguments that fail the schema before `invoke` runs as an error the model can fix."""
        result = _error("invalid_arguments", _describe_validation(exc))
        context.records.append(ToolCallRecord(name=name, args={}, status="error: invalid_arguments"))
        return json.dumps(result)

    return StructuredTool.from_function(
        func=invoke,
        name=name,
        description=description,
        args_schema=args_schema,
        infer_schema=False,
        handle_validation_error=reject,
    )


def slot_summary(verb: str, slot: dict) -> str:
    return f"{verb} {describe_slot(slot)}?"


def _error(code: str, message: str) -> dict:
    return {"status": "error", "code": code, "message": message}


def _describe_validation(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "arguments"
        problems.append(f"{where}: {error['msg']}")
    return "; ".join(problems)
