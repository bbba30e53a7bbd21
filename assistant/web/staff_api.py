"""The staff console's page and JSON API, and its live queue feed (server-sent events).

JSON endpoints take the staff session token as `Authorization: Bearer`. The event stream also
accepts the `clinic_session` cookie that staff sign-in sets, because a browser's EventSource
cannot send headers; the cookie is SameSite=Strict and the stream only reads.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Path as PathParam, Query, Request
from fastapi.responses import FileResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from assistant.handoff.broadcast import Subscription, SubscriptionClosed
from assistant.handoff.service import ACTION_ROLES, HandoffService
from assistant.handoff.turns import STAFF_CHANNEL
from scheduling.auth.deps import SESSION_COOKIE
from scheduling.events import emit

logger = logging.getLogger(__name__)

bearer = HTTPBearer(auto_error=False)
POLL_SECONDS = 1.0
HEARTBEAT_SECONDS = 15.0
STREAM_MAX_SECONDS = 600.0
"""A stream ends after this long so that the browser reconnects and the session is checked again."""
EscalationId = Annotated[int, PathParam(ge=1, description="Escalation id")]
ConversationId = Annotated[str, PathParam(min_length=1, max_length=128, description="Conversation id")]


class StaffReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(..., description="The staff member's message to the patient")


class ResolveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: str = Field(..., description="booked, rescheduled, cancelled, question_answered, "
                                          "no_action_needed or referred_to_clinician")


def _bearer_token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str:
    return credentials.credentials if credentials else ""


BearerToken = Annotated[str, Depends(_bearer_token)]


def staff_router(handoff: HandoffService, static_dir: Path) -> APIRouter:
    """Build the console's routes around `handoff`."""
    router = APIRouter()

    @router.get("/staff", include_in_schema=False)
    def console_page() -> FileResponse:
        return FileResponse(static_dir / "staff.html")

    @router.get("/api/staff/escalations", tags=["staff"])
    def queue(token: BearerToken) -> dict:
        """Open escalations and the caller's claimed ones, urgent first, then oldest first."""
        return handoff.queue(token)

    @router.post("/api/staff/escalations/{escalation_id}/claim", tags=["staff"])
    def claim(escalation_id: EscalationId, token: BearerToken) -> dict:
        """Claim an open escalation and tell the patient that a person joined."""
        return handoff.claim(token, escalation_id)

    @router.post("/api/staff/escalations/{escalation_id}/hand-back", tags=["staff"])
    def hand_back(escalation_id: EscalationId, token: BearerToken) -> dict:
        """Return the conversation to the assistant; the escalation becomes handed_back."""
        return handoff.hand_back(token, escalation_id)

    @router.post("/api/staff/escalations/{escalation_id}/resolve", tags=["staff"])
    def resolve(escalation_id: EscalationId, body: ResolveIn, token: BearerToken) -> dict:
        """Close the escalation as resolved with an outcome, and resume the assistant."""
        return handoff.resolve(token, escalation_id, body.outcome)

    @router.get("/api/staff/conversations/{conversation_id}", tags=["staff"])
    def transcript(conversation_id: ConversationId, token: BearerToken) -> dict:
        """Return the escalated conversation's transcript, masked or de-identified by role."""
        return handoff.transcript(token, conversation_id)

    @router.post("/api/staff/conversations/{conversation_id}/messages", status_code=201, tags=["staff"])
    def reply(conversation_id: ConversationId, body: StaffReplyIn, token: BearerToken) -> dict:
        """Send a message to the patient in the same chat; only the claimer may."""
        return handoff.reply(token, conversation_id, body.text)

    @router.get("/api/staff/sms-outbox", tags=["staff"])
    def sms_outbox(request: Request, token: BearerToken, limit: int = Query(50, ge=1, le=500)) -> dict:
        """Return the newest texts the SMS channel sent, for staff who work the queue.

        With the local provider this outbox is the only place the texts can be read. Only staff of
        the SMS channel's organization see it, and front desk sees the number's last four digits.
        """
        staff = handoff.staff_member(token)
        channel = getattr(request.app.state, "sms", None)
        # NOTE: with SMS_ORGANIZATION_ID unset the scheduling API serves SMS only when it holds a
        # single organization, so every staff member is of that organization.
        owner = channel.settings.organization_id if channel is not None else None
        if channel is None or (owner is not None and owner != staff.organization_id):
            return {"enabled": False, "messages": []}
        sent = [message.to_json() for message in channel.outbox.messages()][-limit:][::-1]
        if staff.role == "front_desk":
            sent = [{**message, "to": "***-" + message["to"][-4:]} for message in sent]
        emit("handoff.sms_outbox_viewed", staff_id=staff.account_id, role=staff.role, count=len(sent))
        return {"enabled": True, "messages": sent}

    @router.get("/api/staff/events", tags=["staff"])
    def events(request: Request, token: BearerToken) -> StreamingResponse:
        """Server-sent events: `ready` once, then `queue` and `conversation` change signals."""
        token = token or request.cookies.get(SESSION_COOKIE, "")
        handoff.authenticate(token, ACTION_ROLES)
        subscription = handoff.broadcaster.subscribe(STAFF_CHANNEL)
        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(_stream(subscription), media_type="text/event-stream", headers=headers)

    return router


def _stream(subscription: Subscription) -> Iterator[str]:
    """Yield SSE frames until the stream's time is up or the broadcaster closes."""
    started = last_sent = time.monotonic()
    try:
        yield "retry: 3000\nevent: ready\ndata: {}\n\n"
        while time.monotonic() - started < STREAM_MAX_SECONDS:
            event = subscription.get(timeout=POLL_SECONDS)
            now = time.monotonic()
            if event is not None:
                name = "conversation" if event.get("type") == "conversation.updated" else "queue"
                yield f"event: {name}\ndata: {json.dumps(event)}\n\n"
                last_sent = now
            elif now - last_sent >= HEARTBEAT_SECONDS:
                yield ": keep-alive\n\n"
                last_sent = now
    except SubscriptionClosed:
        pass
    finally:
        subscription.close()
