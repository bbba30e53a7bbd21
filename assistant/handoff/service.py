"""Staff work on escalated conversations: the queue, claim, transcript, reply, hand back, resolve.

Every method takes the staff member's session token and acts under it. The scheduling API checks
role, MFA and scope. This service adds the console's own rules: which roles may read a transcript
in which view, and that only the claimer replies. Each view and action emits a security event
with ids only (see EVENT_NAMES) and publishes a "something changed" event on the staff channel.

Errors are `tools.client.ApiError` with the status, code and message the web app returns, and
`scheduling.errors.ApiError` (imported as InputError) for invalid input, which names the field.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from assistant.conversation import Conversation
from assistant.handoff.broadcast import Broadcaster
from assistant.handoff.masking import VIEW_BY_ROLE, TranscriptMasker
from assistant.handoff.staff_client import StaffClient, StaffSession
from assistant.handoff.timeline import append_entry, last_seq
from assistant.handoff.turns import STAFF_CHANNEL
from assistant.store import ConversationStore
from prompts.templates import render
from scheduling.errors import ApiError as InputError
from scheduling.events import emit
from tools.client import ApiError

logger = logging.getLogger(__name__)

ACTION_ROLES = frozenset({"front_desk", "clinician", "admin"})
"""Roles that may work the queue, as the scheduling policy's escalation.read and .update."""
TRANSCRIPT_ROLES = frozenset(VIEW_BY_ROLE)
OUTCOMES = ("booked", "rescheduled", "cancelled", "question_answered", "no_action_needed",
            "referred_to_clinician")
MAX_REPLY_CHARS = 2000
EVENT_NAMES = ("handoff.escalation_opened", "handoff.queue_viewed", "handoff.transcript_viewed",
               "handoff.claimed", "handoff.reply_sent", "handoff.handed_back", "handoff.resolved")
NOT_IN_HANDOFF = "conversation_not_found"


class HandoffService:
    """The console's operations; `api_url` is read on each call because servers learn it late."""

    def __init__(self, store: ConversationStore, broadcaster: Broadcaster,
                 api_url: Callable[[], str]) -> None:
        self.store = store
        self.broadcaster = broadcaster
        self._api_url = api_url
        # Set by the SMS channel: sends a staff reply as a text, given (phone, text, language).
        self.text_sender: Callable[[str, str, str], object] | None = None

    def client(self, token: str) -> StaffClient:
        if not token:
            raise ApiError(401, "invalid_session", "Sign in at /staff: no staff session was sent.")
        return StaffClient(self._api_url(), token)

    def authenticate(self, token: str, roles: frozenset[str]) -> StaffSession:
        """Return the staff session, or raise ApiError 401 or 403 for a token or role that fails."""
        with self.client(token) as client:
            return _checked(client.session(), roles)

    def staff_member(self, token: str):
        """Return the caller's staff identity; raise the same errors as the queue for other roles."""
        with self.client(token) as client:
            return _checked(client.session(), ACTION_ROLES)

    def queue(self, token: str) -> dict:
        """Return open escalations and the caller's claimed ones, urgent first, then oldest first."""
        with self.client(token) as client:
            staff = _checked(client.session(), ACTION_ROLES)
            rows = client.escalations("open") + [
                row for row in client.escalations("claimed") if row["claimed_by_staff_id"] == staff.account_id]
        rows.sort(key=lambda row: (row["status"] != "open", row["priority"] != "urgent", row["created_at"], row["id"]))
        emit("handoff.queue_viewed", staff_id=staff.account_id, role=staff.role, count=len(rows))
        return {"escalations": rows, "staff": {"id": staff.account_id, "role": staff.role}}

    def transcript(self, token: str, conversation_id: str) -> dict:
        """Return the conversation's timeline in the view of the caller's role.

        Raises 404 `conversation_not_found` for a conversation that never escalated, expired, or
        whose patient is outside the caller's organization or sites.
        """
        with self.client(token) as client:
            staff = _checked(client.session(), TRANSCRIPT_ROLES)
            conversation = self._escalated(conversation_id)
            patient = _patient_in_scope(client, conversation)
        view = VIEW_BY_ROLE[staff.role]
        masker = TranscriptMasker(view)
        entries = [{**entry, "text": masker.apply(entry["text"])} for entry in conversation.timeline]
        emit("handoff.transcript_viewed", staff_id=staff.account_id, conversation_id=conversation.id,
             patient_id=conversation.patient_id, escalation_id=conversation.handoff.get("escalation_id"),
             view=view)
        return {"conversation_id": conversation.id, "view": view, "patient": patient,
                "handoff": conversation.handoff, "bot_paused": conversation.tools.handoff,
                "entries": entries, "last_seq": last_seq(conversation)}

    def reply(self, token: str, conversation_id: str, text: object) -> dict:
        """Append a staff reply that the patient's page shows; only the claimer (or an admin) may."""
        text = _checked_reply(text)
        with self.client(token) as client:
            staff = _checked(client.session(), ACTION_ROLES)
            _patient_in_scope(client, self._escalated(conversation_id))
        with self.store.lock(conversation_id):
            conversation = self._escalated(conversation_id)
            state = conversation.handoff
            if state.get("status") != "claimed" or (state.get("staff_id") != staff.account_id and staff.role != "admin"):
                raise ApiError(409, "escalation_not_claimed", "Claim this conversation's escalation "
                               "in the queue before replying; only the staff member who claimed it may reply.")
            entry = append_entry(conversation, "staff", text, staff_id=staff.account_id)
            self._save(conversation)
        if conversation.channel == "sms" and conversation.reply_to and self.text_sender is not None:
            # A texting patient has no page to read the reply on, so it goes out as a text.
            self.text_sender(conversation.reply_to, text, conversation.language)
        emit("handoff.reply_sent", staff_id=staff.account_id, conversation_id=conversation.id,
             escalation_id=state.get("escalation_id"), chars=len(text), channel=conversation.channel)
        self._publish({"type": "conversation.updated", "conversation_id": conversation.id})
        return entry

    def claim(self, token: str, escalation_id: int) -> dict:
        """Claim an open escalation and tell the patient that a person joined."""
        with self.client(token) as client:
            staff = _checked(client.session(), ACTION_ROLES)
            escalation = client.claim(escalation_id)
        self._update(escalation, "claimed", staff, notice="handoff_staff_joined", bot_paused=True)
        emit("handoff.claimed", staff_id=staff.account_id, escalation_id=escalation["id"],
             conversation_id=escalation["conversation_id"][:100])
        return escalation

    def hand_back(self, token: str, escalation_id: int) -> dict:
        """Close a claimed escalation as handed_back, so the assistant handles the next message."""
        with self.client(token) as client:
            staff = _checked(client.session(), ACTION_ROLES)
            escalation = client.hand_back(escalation_id)
        self._update(escalation, "handed_back", staff, notice="handoff_returned", bot_paused=False)
        emit("handoff.handed_back", staff_id=staff.account_id, escalation_id=escalation["id"],
             conversation_id=escalation["conversation_id"][:100])
        return escalation

    def resolve(self, token: str, escalation_id: int, outcome: object) -> dict:
        """Close a claimed escalation as resolved with one of OUTCOMES, and resume the assistant."""
        if outcome not in OUTCOMES:
            raise InputError(422, "invalid_outcome", f"outcome must be one of: {', '.join(OUTCOMES)}.", "outcome")
        with self.client(token) as client:
            staff = _checked(client.session(), ACTION_ROLES)
            escalation = client.resolve(escalation_id)
        self._update(escalation, "resolved", staff, notice="handoff_resolved", bot_paused=False,
                     outcome=str(outcome))
        emit("handoff.resolved", staff_id=staff.account_id, escalation_id=escalation["id"],
             conversation_id=escalation["conversation_id"][:100], outcome=str(outcome))
        return {**escalation, "outcome": outcome}

    def _escalated(self, conversation_id: str) -> Conversation:
        document = self.store.load(conversation_id)
        if document is None or not document.get("handoff"):
            raise ApiError(404, NOT_IN_HANDOFF, f"No escalated conversation has id {conversation_id}; "
                           "it may have expired. Pick one from the queue.")
        return Conversation.from_document(document)

    def _update(self, escalation: dict, status: str, staff: StaffSession, notice: str,
                bot_paused: bool, outcome: str | None = None) -> None:
        """Mirror the escalation's new state into its conversation, if it still exists.

        A conversation of another patient than the escalation's is left alone, because a patient
        could name any conversation id when opening an escalation.
        """
        conversation_id = escalation["conversation_id"]
        with self.store.lock(conversation_id):
            document = self.store.load(conversation_id)
            if document is None or document["patient_id"] != escalation["patient_id"]:
                logger.info("escalation %s has no live conversation to update", escalation["id"])
            else:
                conversation = Conversation.from_document(document)
                conversation.handoff = {**(conversation.handoff or {}), "escalation_id": str(escalation["id"]),
                                        "status": status, "priority": escalation["priority"],
                                        "staff_id": staff.account_id, "outcome": outcome}
                conversation.tools.handoff = bot_paused
                if not bot_paused:
                    conversation.tools.escalation_id = None
                    conversation.tools.offered_human = None
                append_entry(conversation, "notice", render(notice, conversation.language))
                self._save(conversation)
                self._publish({"type": "conversation.updated", "conversation_id": conversation_id})
        self._publish({"type": f"escalation.{status}"})

    def _save(self, conversation: Conversation) -> None:
        self.store.save(conversation.id, conversation.to_document())

    def _publish(self, event: dict) -> None:
        try:
            self.broadcaster.publish(STAFF_CHANNEL, event)
        except Exception as exc:  # noqa: BLE001 - live updates are best effort; the action is done
            logger.warning("publishing a hand-off event failed: %s", type(exc).__name__)


def _checked(staff: StaffSession, roles: frozenset[str]) -> StaffSession:
    if staff.role not in roles:
        raise ApiError(403, "forbidden", f"The {staff.role} role may not use this part of the staff console.")
    return staff


def _patient_in_scope(client: StaffClient, conversation: Conversation) -> dict:
    """Return the conversation's patient as the caller may see them; 404 outside their scope."""
    try:
        return client.patient(int(conversation.patient_id))
    except ApiError as exc:
        if exc.status == 404:
            raise ApiError(404, NOT_IN_HANDOFF, f"No escalated conversation has id {conversation.id}; "
                           "it may have expired. Pick one from the queue.") from exc
        raise


def _checked_reply(text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InputError(422, "invalid_message", "The reply is empty; type a message for the patient.", "text")
    if len(text) > MAX_REPLY_CHARS:
        raise InputError(422, "invalid_message", f"The reply is {len(text)} characters long; the limit is "
                         f"{MAX_REPLY_CHARS}, so please shorten it.", "text")
    return text.strip()
