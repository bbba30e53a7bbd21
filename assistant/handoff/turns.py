"""What a chat turn does for the hand-off: summaries, the timeline, repeated errors, live events.

`ChatService.handle` calls `prepare_turn` before the turn runs, `finish_turn` after it and
`turn_events` once the conversation is saved. Nothing here calls the engine.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant.conversation import Conversation
from assistant.guarding import directory_context, guardrails_for, open_vault, patient_context
from assistant.handoff.summary import build_summary
from assistant.handoff.timeline import append_entry
from prompts.templates import render
from scheduling.events import emit
from tools.client import SchedulingClient

if TYPE_CHECKING:
    from assistant.agent import TurnResult

logger = logging.getLogger(__name__)

REPEATED_ERROR_LIMIT = 2
"""A tool failing with the same error this many times in one conversation offers a person."""
SUMMARY_UNAVAILABLE = "Summary unavailable; read the transcript in the staff console."
STAFF_CHANNEL = "staff"


class HandoffClient(SchedulingClient):
    """Scheduling client of one turn that writes a de-identified summary into each escalation.

    `summarize(reason)` replaces the summary that the caller (the `request_human` tool or an
    input rail) passed, which may be the model's free text. `opened` lists the escalations
    created through this client, as `{"id", "priority"}`.
    """

    def __init__(self, base_url: str, token: str, timeout: float = 10.0) -> None:
        super().__init__(base_url, token, timeout)
        self.summarize: Callable[[str], str] | None = None
        self.opened: list[dict] = []

    def escalate(self, conversation_id: str, reason: str, priority: str, channel: str, summary: str) -> dict:
        if self.summarize is not None:
            try:
                summary = self.summarize(reason)
            except Exception as exc:  # noqa: BLE001 - a failed summary must not block the hand-off
                logger.warning("escalation summary failed: %s", type(exc).__name__,
                               extra={"conversation_id": conversation_id})
                summary = SUMMARY_UNAVAILABLE
        escalation = super().escalate(conversation_id, reason, priority, channel, summary)
        self.opened.append({"id": str(escalation["id"]), "priority": priority})
        return escalation


def prepare_turn(client: SchedulingClient, conversation: Conversation, patient: dict, text: str,
                 conversation_key: bytes) -> None:
    """Let `client` build a de-identified summary should this turn open an escalation."""
    if not isinstance(client, HandoffClient):
        return

    def summarize(reason: str) -> str:
        guard = guardrails_for(directory_context(client.directory()))
        who = patient_context(patient, conversation.channel)
        # A copy of the stored vault: identifiers seen in earlier turns keep their placeholders.
        vault = open_vault(conversation.vault, conversation_key)
        return build_summary(conversation, text, reason, guard, who, vault)

    client.summarize = summarize


def finish_turn(conversation: Conversation, client: SchedulingClient, text: str,
                result: TurnResult) -> TurnResult:
    """Record the turn in the timeline and note an escalation it opened.

    Returns `result`, with an offer of a person added to the reply when a tool has now failed
    with the same error REPEATED_ERROR_LIMIT times and no hand-off is open or offered.
    """
    append_entry(conversation, "patient", text)
    for call in result.tool_calls:
        append_entry(conversation, "tool", f"{call.name}: {call.status}")
    result = _offer_after_repeated_error(conversation, result)
    if result.reply:
        append_entry(conversation, "assistant", result.reply)

    opened = client.opened if isinstance(client, HandoffClient) else []
    if opened:
        escalation = opened[-1]
        conversation.handoff = {"escalation_id": escalation["id"], "status": "open",
                                "priority": escalation["priority"], "staff_id": None,
                                "outcome": None}
        emit("handoff.escalation_opened", conversation_id=conversation.id,
             escalation_id=escalation["id"], priority=escalation["priority"])
    return result


def turn_events(conversation: Conversation, client: SchedulingClient, was_handoff: bool) -> list[dict]:
    """Return the staff-channel events of a saved turn: a new escalation, or a patient message."""
    if isinstance(client, HandoffClient) and client.opened:
        return [{"type": "escalation.opened"}]
    if was_handoff:
        return [{"type": "conversation.updated", "conversation_id": conversation.id}]
    return []


def _offer_after_repeated_error(conversation: Conversation, result: TurnResult) -> TurnResult:
    offer_reason = None
    for call in result.tool_calls:
        if not call.status.startswith("error"):
            continue
        key = f"{call.name} {call.status}"
        count = conversation.tool_errors.get(key, 0) + 1
        conversation.tool_errors[key] = count
        if count >= REPEATED_ERROR_LIMIT:
            conversation.tool_errors[key] = 0
            offer_reason = f"repeated tool error: {key}"
    tools = conversation.tools
    if offer_reason is None or tools.handoff or tools.offered_human:
        return result
    tools.offered_human = offer_reason[:200]
    logger.info("offered a person after a repeated tool error", extra={"conversation_id": conversation.id})
    offer = render("offer_human_after_error", conversation.language)
    reply = f"{result.reply}\n\n{offer}" if result.reply else offer
    return dataclasses.replace(result, reply=reply)
