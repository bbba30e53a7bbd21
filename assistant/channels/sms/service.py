"""The SMS channel: one inbound text in, replies out, through the same ChatService as the web.

Order of checks for each text: carrier keywords (STOP, START, HELP) first, always; then texts
from opted-out numbers are dropped; then wrong-number texts get one generic reply; then an
unverified number must verify (date of birth, or a one-time code) before anything about a
patient is said; only then do reminder replies (C, R, X) and free text reach the patient's
conversation. Logs and events carry ids, never a number or a message body.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from assistant.agent import ChatService
from assistant.channels.sms.actions import ReminderActions, changed_appointment_text
from assistant.channels.sms.api import ChannelApiError, SmsApi, TooManyAttempts, Verified
from assistant.channels.sms.identity_text import parse_identity
from assistant.channels.sms.keywords import (
    carrier_keyword,
    code_request,
    is_wrong_number,
    keyword_of,
    looks_spanish,
    one_time_code,
    reminder_reply,
)
from assistant.channels.sms.providers import SmsSendError
from assistant.channels.sms.sender import SmsSender
from assistant.channels.sms.settings import SmsChannelSettings
from assistant.channels.sms.state import SmsSession, SmsSessionStore
from assistant.conversation import ChatError, ConversationNotFound, NotAuthenticated
from prompts.templates import render
from scheduling.events import emit
from scheduling.sms_identity import normalize_phone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class InboundText:
    """One inbound text as the webhook received it."""

    message_sid: str
    sender: str
    body: str
    num_media: int = 0


class SmsChannel:
    """Turns inbound texts into replies; see the module docstring for the order of checks."""

    def __init__(self, chat_service: ChatService, settings: SmsChannelSettings, sender: SmsSender,
                 api: SmsApi, sessions: SmsSessionStore, clock=time.time) -> None:
        self.chat = chat_service
        self.settings = settings
        self.sender = sender
        self.api = api
        self.sessions = sessions
        self.clock = clock
        self.actions = ReminderActions(self)

    @property
    def outbox(self):
        """The record of every text sent, for the staff console."""
        return self.sender.outbox

    def handle_inbound(self, text: InboundText) -> None:
        """Process one text; log every error (type and message id only) instead of raising it."""
        phone = normalize_phone(text.sender)
        if phone is None:
            logger.info("Dropped a text from an unusable number", extra={"message_sid": text.message_sid})
            return
        try:
            self._handle(phone, text)
        except (ChannelApiError, ChatError) as exc:
            logger.error("SMS turn failed: %s", type(exc).__name__, extra={"message_sid": text.message_sid})
            self._try_reply(phone, "sms_try_later", self.sessions.load(phone).language)
        except SmsSendError as exc:
            logger.error("SMS reply could not be sent: %s", exc.code, extra={"message_sid": text.message_sid})
        except Exception as exc:  # noqa: BLE001 - a background task has no caller to report to
            # Only the type is logged, because exception text may quote the patient's message.
            logger.error("SMS turn failed unexpectedly: %s", type(exc).__name__,
                         extra={"message_sid": text.message_sid})

    def reply(self, phone: str, session: SmsSession, key: str, kind: str = "reply", **fields) -> None:
        """Send template `key` in the session's language, with the clinic's details available."""
        fields = {"clinic_name": self.settings.clinic_name, "clinic_phone": self.settings.clinic_phone,
                  "portal_url": self.settings.portal_url, **fields}
        self.sender.send(phone, render(key, session.language, **fields), kind, session.language)

    def _try_reply(self, phone: str, key: str, language: str) -> None:
        try:
            self.reply(phone, SmsSession(language=language), key)
        except SmsSendError:
            logger.error("SMS apology could not be sent")

    def _handle(self, phone: str, text: InboundText) -> None:
        session = self.sessions.load(phone)
        keyword = carrier_keyword(text.body)
        if keyword is not None:
            self._keyword(phone, session, keyword, text)
            return
        if self.api.is_opted_out(phone):
            logger.info("Dropped a text from an opted-out number", extra={"message_sid": text.message_sid})
            return
        if session.quiet_until > self.clock():
            logger.info("Dropped a text from a silenced number", extra={"message_sid": text.message_sid})
            return
        if is_wrong_number(text.body):
            self._wrong_number(phone, session, text)
        elif session.is_verified(self.clock()):
            self._verified_turn(phone, session, text.body)
        else:
            self._identify(phone, session, text.body)
        self.sessions.save(phone, session)

    def _keyword(self, phone: str, session: SmsSession, keyword: str, text: InboundText) -> None:
        if keyword == "help":
            self.reply(phone, session, "sms_help", kind="keyword")
            return
        opted_out = keyword == "opt_out"
        self.api.change_consent(phone, opted_out, keyword_of(text.body), text.message_sid)
        if opted_out:
            session.forget_identity()
            session.pending_action = None
        self.sessions.save(phone, session)
        self.reply(phone, session, "sms_opted_out" if opted_out else "sms_opted_in", kind="keyword")

    def _wrong_number(self, phone: str, session: SmsSession, text: InboundText) -> None:
        emit("sms.wrong_number", message_sid=text.message_sid)
        session.forget_identity()
        session.pending_action = None
        session.quiet_until = self.clock() + self.settings.quiet_minutes * 60
        self.reply(phone, session, "sms_wrong_number")

    def _identify(self, phone: str, session: SmsSession, body: str) -> None:
        """Verify the texter, or ask for the details; replies are the same for known and unknown numbers."""
        if session.stage == "new" and looks_spanish(body):
            session.language = "es"
        action = reminder_reply(body)
        if action is not None:
            reminder = self.api.latest_reminder(phone)
            if reminder is not None:
                session.pending_action = {"action": action, "reminder": reminder}
                session.language = reminder["language"]
            self._ask_identity(phone, session)
            return

        wants_code, first_name = code_request(body)
        code = one_time_code(body)
        try:
            if wants_code:
                code_value, lifetime = self.api.request_code(phone, first_name)
                session.stage = "awaiting_code"
                self.reply(phone, session, "sms_code", kind="code", code=code_value,
                           minutes=max(1, lifetime // 60))
                return
            if code is not None and session.stage == "awaiting_code":
                verified = self.api.verify_code(phone, code)
            else:
                born, first_name = parse_identity(body)
                if born is None:
                    self._ask_identity(phone, session)
                    return
                verified = self.api.verify_date_of_birth(phone, born, first_name)
        except TooManyAttempts:
            self._silence(phone, session)
            return
        if verified is None:
            self._failed(phone, session)
        else:
            self._on_verified(phone, session, verified)

    def _ask_identity(self, phone: str, session: SmsSession) -> None:
        session.stage = "identifying" if session.stage == "new" else session.stage
        self.reply(phone, session, "sms_ask_identity")

    def _failed(self, phone: str, session: SmsSession) -> None:
        session.failures += 1
        if session.failures >= self.settings.max_identity_failures:
            self._silence(phone, session)
            return
        self.reply(phone, session, "sms_identity_failed")

    def _silence(self, phone: str, session: SmsSession) -> None:
        session.failures = 0
        session.stage = "new"
        session.quiet_until = self.clock() + self.settings.quiet_minutes * 60
        self.reply(phone, session, "sms_identity_locked")

    def _on_verified(self, phone: str, session: SmsSession, verified: Verified) -> None:
        conversation = self.chat.start(verified.token, channel="sms", reply_to=phone)
        session.stage, session.failures = "verified", 0
        session.patient_id, session.token = verified.patient_id, verified.token
        session.token_expires_at = self.clock() + verified.expires_in
        session.conversation_id, session.language = conversation.id, conversation.language
        pending, session.pending_action = session.pending_action, None
        if pending and pending["reminder"]["patient_id"] == verified.patient_id:
            self.reply(phone, session, "sms_verified")
            self.actions.run(phone, session, pending["action"], pending["reminder"])
            return
        self.sender.send(phone, render("sms_verified", session.language) + " "
                         + render("ask_what", session.language), "reply", session.language)

    def _verified_turn(self, phone: str, session: SmsSession, body: str) -> None:
        if session.pending_cancel is not None and self.actions.answer_cancel(phone, session, body):
            return
        action = reminder_reply(body)
        if action is not None:
            reminder = self.api.latest_reminder(phone)
            if reminder is not None and reminder["patient_id"] == session.patient_id:
                self.actions.run(phone, session, action, reminder)
                return
        self.send_chat_turn(phone, session, body)

    def send_chat_turn(self, phone: str, session: SmsSession, body: str) -> None:
        """Run `body` through the patient's conversation and text the reply."""
        assert session.token is not None and session.conversation_id is not None
        try:
            pending = self._pending_action(session)
            result = self.chat.handle(session.conversation_id, session.token, body)
        except NotAuthenticated:
            session.forget_identity()
            self._ask_identity(phone, session)
            return
        text = changed_appointment_text(self, session, pending, result) or result.reply
        self.sender.send(phone, text, "reply", session.language)

    def _pending_action(self, session: SmsSession) -> dict | None:
        """Return the conversation's pending action; start a new conversation if it expired."""
        assert session.token is not None and session.conversation_id is not None
        try:
            return self.chat.conversation_for(session.conversation_id, session.token).tools.pending
        except ConversationNotFound:
            session.conversation_id = self.chat.start(session.token, channel="sms", reply_to=phone).id
            return None
