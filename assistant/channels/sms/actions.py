"""What verified texters can do beyond free chat: answer a reminder (C, R, X), and the short
confirmation texted after the assistant books, moves or cancels a visit.

Confirmations say only date, time, site and the portal link (minimum necessary): no provider,
visit type or reason.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from assistant.agent import TurnResult
from assistant.channels.sms.keywords import yes_or_no
from assistant.channels.sms.sender import format_when
from assistant.channels.sms.state import SmsSession
from prompts.templates import render
from tools.client import ApiError, SchedulingClient

if TYPE_CHECKING:
    from assistant.channels.sms.service import SmsChannel

logger = logging.getLogger(__name__)

RESCHEDULE_REQUEST = "I want to reschedule my appointment"
CHANGE_TEMPLATES = {"book_appointment": "sms_booked", "reschedule_appointment": "sms_rescheduled",
                    "cancel_appointment": "sms_cancelled"}


class ReminderActions:
    """Carries out a verified patient's C, R or X reply to a reminder."""

    def __init__(self, channel: SmsChannel) -> None:
        self.channel = channel

    def run(self, phone: str, session: SmsSession, action: str, reminder: dict) -> None:
        """Confirm, start a reschedule, or ask to confirm a cancellation of the reminded visit."""
        channel = self.channel
        when = format_when(reminder["start"], reminder["time_zone"], session.language)
        site = reminder["site_name"]
        if action == "confirmed":
            channel.api.answer_reminder(reminder["reminder_id"], "confirmed")
            channel.reply(phone, session, "sms_reminder_confirmed", when=when, site=site)
        elif action == "cancel":
            session.pending_cancel = {"appointment_id": reminder["appointment_id"],
                                      "reminder_id": reminder["reminder_id"], "when": when, "site": site}
            channel.reply(phone, session, "sms_cancel_question", when=when, site=site)
        else:
            channel.api.answer_reminder(reminder["reminder_id"], "reschedule")
            # The assistant's own reschedule dialogue takes over from here.
            channel.send_chat_turn(phone, session, RESCHEDULE_REQUEST)

    def answer_cancel(self, phone: str, session: SmsSession, body: str) -> bool:
        """Apply YES or NO to a pending cancellation; return False when the text is neither."""
        pending, session.pending_cancel = session.pending_cancel, None
        answer = yes_or_no(body)
        if pending is None or answer is None:
            return False
        channel = self.channel
        fields = {"when": pending["when"], "site": pending["site"]}
        if not answer:
            channel.reply(phone, session, "sms_cancel_kept", **fields)
            return True
        assert session.token is not None
        with SchedulingClient(channel.chat.api_url, session.token) as client:
            try:
                client.cancel(str(pending["appointment_id"]))
            except ApiError as exc:
                logger.warning("Cancel by SMS failed: %s", exc.code)
                channel.reply(phone, session, "tool_error", message=exc.message)
                return True
        channel.api.answer_reminder(pending["reminder_id"], "cancel")
        channel.reply(phone, session, "sms_cancelled", **fields)
        return True


def changed_appointment_text(channel: SmsChannel, session: SmsSession, pending: dict | None,
                             result: TurnResult) -> str | None:
    """Return the SMS confirmation when this turn carried out the confirmed `pending` action.

    The action ran when a call of the pending tool with the same arguments succeeded and the
    conversation no longer has anything pending. Returns None otherwise.
    """
    if pending is None or pending.get("tool") not in CHANGE_TEMPLATES:
        return None
    ran = any(call.name == pending["tool"] and call.status == "ok" and call.args == pending["args"]
              for call in result.tool_calls)
    if not ran or session.token is None or session.conversation_id is None:
        return None
    after = channel.chat.conversation_for(session.conversation_id, session.token)
    if after.tools.pending is not None:
        return None
    item = _changed_item(channel, session, pending, after.tools.known_slots)
    if item is None:
        return None
    when = format_when(item["start"], item["time_zone"], session.language)
    return render(CHANGE_TEMPLATES[pending["tool"]], session.language, when=when,
                  site=item["site_name"], portal_url=channel.settings.portal_url)


def _changed_item(channel: SmsChannel, session: SmsSession, pending: dict,
                  known_slots: dict) -> dict | None:
    args = pending["args"]
    if "slot_id" in args:
        return known_slots.get(args["slot_id"])
    assert session.token is not None
    with SchedulingClient(channel.chat.api_url, session.token) as client:
        try:
            return client.get_appointment(str(args["appointment_id"]))
        except ApiError as exc:
            logger.warning("Could not read the cancelled appointment: %s", exc.code)
            return None
