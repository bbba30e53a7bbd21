"""Tool: hand the conversation to clinic staff by opening an escalation."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from tools.base import ToolContext, build_tool

NAME = "request_human"
DESCRIPTION = (
    "Hand the conversation to a person at the clinic: when the patient asks for one, when you cannot "
    "help, or for medical questions. Give a short reason without personal details."
)


class RequestHumanArgs(BaseModel):
    reason: str = Field(..., min_length=1, max_length=200)
    priority: Literal["normal", "urgent"] = "normal"


def run(context: ToolContext, args: RequestHumanArgs) -> dict:
    if context.session.handoff and context.session.escalation_id:
        return {"status": "ok", "escalation_id": context.session.escalation_id, "already_open": True}
    escalation = context.client.escalate(
        conversation_id=context.conversation_id,
        reason=args.reason,
        priority=args.priority,
        channel=context.channel,
        summary=args.reason,
    )
    context.session.handoff = True
    context.session.escalation_id = escalation["id"]
    return {"status": "ok", "escalation_id": escalation["id"]}


def build(context: ToolContext):
    return build_tool(context, NAME, DESCRIPTION, RequestHumanArgs, run)
