"""The Twilio inbound webhook (`POST /sms/twilio/inbound`) and `install_sms`, which wires it.

A request must carry a valid `X-Twilio-Signature` over SMS_PUBLIC_URL plus the request path
(never the Host header, which a client controls) and the form parameters. Unsigned, tampered
and other-account requests get 403 and a `sms.webhook_rejected` event with ids only. A repeated
delivery of a MessageSid already accepted gets an empty 200 and is not handled again, with a
`sms.webhook_duplicate` event. An accepted request is answered at once with an
empty TwiML `<Response/>`; the replies go out through the provider after the response, so a
slow model turn never delays Twilio's webhook.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl

from fastapi import BackgroundTasks, FastAPI, Request
from fastapi.responses import JSONResponse, Response

from assistant.agent import ChatService
from assistant.channels.sms.api import SmsApi
from assistant.channels.sms.dedup import SeenMessages, build_seen_messages
from assistant.channels.sms.outbox import Outbox
from assistant.channels.sms.providers import SmsProvider, build_provider
from assistant.channels.sms.sender import SmsSender
from assistant.channels.sms.service import InboundText, SmsChannel
from assistant.channels.sms.settings import SmsChannelSettings
from assistant.channels.sms.signature import is_valid_signature
from assistant.channels.sms.state import SmsSessionStore, build_session_store
from scheduling.events import emit

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/sms/twilio/inbound"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
MAX_BODY_BYTES = 16 * 1024
SID_RE = re.compile(r"^(?:SM|MM|SMS)[0-9a-fA-F]{32}$")


def install_sms(app: FastAPI, chat_service: ChatService, *, settings: SmsChannelSettings | None = None,
                provider: SmsProvider | None = None, outbox: Outbox | None = None,
                seen: SeenMessages | None = None, sessions: SmsSessionStore | None = None,
                api: SmsApi | None = None, path: str = WEBHOOK_PATH) -> SmsChannel:
    """Add the inbound webhook to `app` and return the channel (also at `app.state.sms`).

    Defaults come from `settings` (the environment): the provider SMS_PROVIDER names, an outbox
    (with a file for the local provider), Redis or memory for seen ids and per-number state,
    and the SMS endpoints of `chat_service.api_url`. Raises ValueError when SMS_CHANNEL_SECRET
    is unset and no `api` is given.
    """
    settings = settings or SmsChannelSettings()
    if api is None:
        if settings.channel_secret is None:
            raise ValueError("set SMS_CHANNEL_SECRET (at least 32 characters) on the assistant and "
                             "the scheduling API to enable the SMS channel")
        api = SmsApi(chat_service.api_url, settings.channel_secret.get_secret_value())
    provider = provider or build_provider(settings)
    if outbox is None:
        outbox = Outbox(settings.resolved_outbox_file() if provider.name == "local" else None)
    sender = SmsSender(provider, outbox, settings.portal_url, settings.max_segments)
    channel = SmsChannel(chat_service, settings, sender, api,
                         sessions or build_session_store(settings.redis_url, settings.session_ttl_seconds))
    seen = seen or build_seen_messages(settings.redis_url, settings.seen_ttl_seconds)
    app.state.sms = channel
    handoff = getattr(app.state, "handoff", None)
    if handoff is not None:
        # Staff replies to a texting patient go out as texts.
        handoff.text_sender = lambda to, text, language: sender.send(to, text, "staff", language)

    @app.post(path, include_in_schema=False)
    async def twilio_inbound(request: Request, background: BackgroundTasks) -> Response:
        raw = await request.body()
        if len(raw) > MAX_BODY_BYTES:
            return _rejected("too_large", None, 413)
        try:
            params = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError:
            return _rejected("malformed", None, 400)
        form = dict(params)
        sid = form.get("MessageSid", "")
        sid_for_log = sid if SID_RE.match(sid) else None
        signature = request.headers.get("x-twilio-signature")
        token = settings.twilio_auth_token.get_secret_value() if settings.twilio_auth_token else ""
        if not signature:
            return _rejected("unsigned", sid_for_log)
        if not token or not settings.public_url:
            return _rejected("not_configured", sid_for_log)
        if not is_valid_signature(token, _signed_url(settings.public_url, request), params, signature):
            return _rejected("invalid_signature", sid_for_log)
        if settings.twilio_account_sid and form.get("AccountSid") != settings.twilio_account_sid:
            return _rejected("wrong_account", sid_for_log)
        if sid_for_log is None or not form.get("From"):
            return _rejected("malformed", None, 400)
        if not seen.first_time(sid):
            # Twilio retries a delivery it saw time out; a 2xx stops the retries, and the text
            # is not handled twice.
            emit("sms.webhook_duplicate", message_sid=sid)
            logger.info("Ignored a repeated delivery", extra={"message_sid": sid})
            return Response(EMPTY_TWIML, media_type="application/xml")
        text = InboundText(message_sid=sid, sender=form["From"], body=form.get("Body", ""),
                           num_media=_int(form.get("NumMedia")))
        background.add_task(channel.handle_inbound, text)
        logger.info("Accepted an inbound text", extra={"message_sid": sid})
        return Response(EMPTY_TWIML, media_type="application/xml")

    return channel


def _signed_url(public_url: str, request: Request) -> str:
    """Return the URL Twilio signed: the configured public base, the path and any query."""
    url = public_url.rstrip("/") + request.url.path
    return f"{url}?{request.url.query}" if request.url.query else url


def _rejected(reason: str, message_sid: str | None, status: int = 403) -> Response:
    emit("sms.webhook_rejected", rejection=reason, message_sid=message_sid, alert=status == 403)
    logger.warning("Rejected an SMS webhook request: %s", reason)
    return JSONResponse({"error": {"code": f"webhook_{reason}", "message": "The request was not "
                                   "accepted.", "field": None}}, status_code=status)


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0
