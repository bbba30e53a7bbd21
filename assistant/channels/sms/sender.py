"""Sending texts: a last minimum-necessary check, splitting into SMS parts, provider, outbox.

Every text leaves through `SmsSender.send`. A text that still names a visit reason, specialty,
medication or test (the terms of `guardrails.sensitive_terms`) is replaced by a pointer to the
portal before it is sent, whatever produced it.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from assistant.channels.sms.outbox import Outbox, OutboxMessage
from assistant.channels.sms.providers import SmsProvider, SmsSendError
from assistant.channels.sms.segments import split_message
from guardrails.sensitive_terms import PHRASE_RE, TERM_RE
from prompts.templates import render

logger = logging.getLogger(__name__)

DAY_NAMES = {"es": ("lun", "mar", "mié", "jue", "vie", "sáb", "dom")}
MONTH_NAMES = {"es": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")}


def format_when(start: str | dt.datetime, time_zone: str, language: str) -> str:
    """Format a start in its site's zone: "Tue Dec 8, 9:00 AM" or "mar 8 dic, 9:00 a. m."."""
    moment = dt.datetime.fromisoformat(start) if isinstance(start, str) else start
    local = moment.astimezone(ZoneInfo(time_zone))
    hour = local.hour % 12 or 12
    if language in DAY_NAMES:
        half = "a. m." if local.hour < 12 else "p. m."
        day = DAY_NAMES[language][local.weekday()]
        month = MONTH_NAMES[language][local.month - 1]
        return f"{day} {local.day} {month}, {hour}:{local.minute:02d} {half}"
    half = "AM" if local.hour < 12 else "PM"
    return f"{local:%a %b} {local.day}, {hour}:{local.minute:02d} {half}"


class SmsSender:
    """Sends a reply as one or more SMS parts and records each part in the outbox."""

    def __init__(self, provider: SmsProvider, outbox: Outbox, portal_url: str,
                 max_segments: int = 4) -> None:
        self.provider = provider
        self.outbox = outbox
        self.portal_url = portal_url
        self.max_segments = max_segments

    def send(self, to: str, text: str, kind: str, language: str = "en") -> list[OutboxMessage]:
        """Send `text` to `to`; raise SmsSendError when the provider rejects a part.

        Parts sent before a failing part stay sent. Each part is recorded with its status.
        """
        if PHRASE_RE.search(text) or TERM_RE.search(text):
            logger.warning("SMS text named clinical details; sent the portal pointer instead")
            text = render("sms_details_in_portal", language, portal_link=self.portal_url)
        sent: list[OutboxMessage] = []
        for part in split_message(text, self.max_segments):
            try:
                provider_id = self.provider.send(to, part)
            except SmsSendError:
                message = self.outbox.record(to, part, kind, self.provider.name, "failed")
                logger.warning("SMS part failed", extra={"outbox_id": message.id})
                raise
            message = self.outbox.record(to, part, kind, self.provider.name, "sent", provider_id)
            logger.info("SMS part sent", extra={"outbox_id": message.id, "provider_message_id": provider_id})
            sent.append(message)
        return sent
