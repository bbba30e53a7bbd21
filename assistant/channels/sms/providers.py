"""Outbound SMS providers: Twilio's REST API, and a local sink for the default run.

A provider sends one text that already fits one SMS and returns the provider's message id, or
raises SmsSendError. Neither logs a body or a number.
"""

from __future__ import annotations

import logging
import uuid
from typing import Protocol

import httpx

from assistant.channels.sms.settings import SmsChannelSettings

logger = logging.getLogger(__name__)

TWILIO_API_VERSION = "2010-04-01"


class SmsSendError(RuntimeError):
    """The provider did not accept a text; `code` is the provider's error code, when it sent one."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class SmsProvider(Protocol):
    """Sends one text; `name` goes into the outbox."""

    name: str

    def send(self, to: str, body: str) -> str: ...


class LocalSinkProvider:
    """Delivers nothing: the text stays in the outbox for staff to read, and the log gets its id."""

    name = "local"

    def send(self, to: str, body: str) -> str:
        message_id = "LOCAL" + uuid.uuid4().hex
        logger.info("SMS kept in the local outbox", extra={"provider_message_id": message_id})
        return message_id


class TwilioProvider:
    """Sends texts with Twilio's Messages resource (POST .../Accounts/{sid}/Messages.json).

    Authenticates with HTTP basic auth (account SID, auth token). Sends `From` unless a
    Messaging Service SID is configured, which then picks the number.
    """

    name = "twilio"

    def __init__(self, account_sid: str, auth_token: str, from_number: str | None = None,
                 messaging_service_sid: str | None = None,
                 base_url: str = "https://api.twilio.com", timeout: float = 10.0) -> None:
        if not from_number and not messaging_service_sid:
            raise ValueError("set TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID to send texts")
        self.account_sid = account_sid
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid
        self._http = httpx.Client(base_url=base_url.rstrip("/"), auth=(account_sid, auth_token),
                                  timeout=timeout)

    def send(self, to: str, body: str) -> str:
        """POST one message and return its SID; raise SmsSendError on any failure."""
        form = {"To": to, "Body": body}
        if self.messaging_service_sid:
            form["MessagingServiceSid"] = self.messaging_service_sid
        else:
            form["From"] = self.from_number or ""
        path = f"/{TWILIO_API_VERSION}/Accounts/{self.account_sid}/Messages.json"
        try:
            response = self._http.post(path, data=form)
        except httpx.HTTPError as exc:
            logger.warning("Twilio request failed: %s", type(exc).__name__)
            raise SmsSendError(f"Twilio did not respond: {type(exc).__name__}") from exc
        if response.status_code != 201:
            code = _error_code(response)
            logger.warning("Twilio rejected a text: HTTP %s, error %s", response.status_code, code)
            raise SmsSendError(f"Twilio answered HTTP {response.status_code} (error {code})", code)
        sid = response.json().get("sid", "")
        logger.info("SMS sent through Twilio", extra={"provider_message_id": sid})
        return sid

    def close(self) -> None:
        self._http.close()


def _error_code(response: httpx.Response) -> str | None:
    try:
        code = response.json().get("code")
    except ValueError:
        return None
    return None if code is None else str(code)


def build_provider(settings: SmsChannelSettings) -> SmsProvider:
    """Return the provider SMS_PROVIDER names; raise ValueError when Twilio settings are missing."""
    if settings.provider == "local":
        return LocalSinkProvider()
    if not settings.twilio_account_sid or not settings.twilio_auth_token:
        raise ValueError("SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")
    return TwilioProvider(settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value(),
                          settings.twilio_from_number, settings.twilio_messaging_service_sid,
                          settings.twilio_api_base_url)
