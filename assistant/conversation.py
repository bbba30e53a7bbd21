"""A conversation as stored between turns, and the errors a turn can end with."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from langchain_core.messages import BaseMessage, HumanMessage, messages_from_dict, messages_to_dict

from tools.base import ToolSession

MAX_STORED_MESSAGES = 80
MAX_TIMELINE_ENTRIES = 200


class ChatError(Exception):
    """A turn could not run. `code` is stable for clients, and the message tells the patient what to do."""

    status = 400
    code = "chat_error"


class InvalidMessage(ChatError):
    status = 422
    code = "invalid_message"


class ConversationNotFound(ChatError):
    status = 404
    code = "conversation_not_found"


class NotAuthenticated(ChatError):
    status = 401
    code = "invalid_token"


class ServiceUnavailable(ChatError):
    status = 503
    code = "service_unavailable"


@dataclass
class Conversation:
    """One patient's conversation: its messages, tool state and the anchor for relative dates.

    `messages` is the agent's history. `timeline` is what the patient saw, plus staff replies,
    notices and tool outcomes, each entry numbered by `seq` (see `assistant.handoff.timeline`).
    `reply_to` is where staff replies are sent on a channel without a page (the SMS number).
    `handoff` is the state of the current or last escalation, and `tool_errors` counts each
    tool's repeated errors, which can offer a person.
    """

    id: str
    patient_id: str
    channel: str
    language: str
    engine: str
    started_at: dt.datetime
    messages: list[BaseMessage] = field(default_factory=list)
    tools: ToolSession = field(default_factory=ToolSession)
    vault: str | None = None
    timeline: list[dict] = field(default_factory=list)
    handoff: dict | None = None
    reply_to: str | None = None
    tool_errors: dict[str, int] = field(default_factory=dict)

    @classmethod
    def new(cls, patient_id: str, channel: str, language: str, engine: str) -> Conversation:
        return cls(
            id=uuid.uuid4().hex,
            patient_id=patient_id,
            channel=channel,
            language=language,
            engine=engine,
            started_at=dt.datetime.now(dt.timezone.utc),
        )

    def to_document(self) -> dict:
        return {
            "id": self.id,
            "patient_id": self.patient_id,
            "channel": self.channel,
            "language": self.language,
            "engine": self.engine,
            "started_at": self.started_at.isoformat(),
            "messages": messages_to_dict(_trimmed(self.messages)),
            "tools": self.tools.to_dict(),
            "vault": self.vault,
            "timeline": self.timeline[-MAX_TIMELINE_ENTRIES:],
            "handoff": self.handoff,
            "reply_to": self.reply_to,
            "tool_errors": self.tool_errors,
        }

    @classmethod
    def from_document(cls, document: dict) -> Conversation:
        return cls(
            id=document["id"],
            patient_id=document["patient_id"],
            channel=document["channel"],
            language=document["language"],
            engine=document["engine"],
            started_at=dt.datetime.fromisoformat(document["started_at"]),
            messages=messages_from_dict(document["messages"]),
            tools=ToolSession.from_dict(document["tools"]),
            vault=document.get("vault"),
            timeline=document.get("timeline", []),
            handoff=document.get("handoff"),
            reply_to=document.get("reply_to"),
            tool_errors=document.get("tool_errors", {}),
        )


def _trimmed(messages: list[BaseMessage]) -> list[BaseMessage]:
    """Keep the newest messages, cutting only before a patient message so tool calls stay paired."""
    if len(messages) <= MAX_STORED_MESSAGES:
        return messages
    for start in range(len(messages) - MAX_STORED_MESSAGES, len(messages)):
        if isinstance(messages[start], HumanMessage):
            return messages[start:]
    return messages[-1:]
