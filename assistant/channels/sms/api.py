"""Client of the scheduling API's SMS endpoints (`/v1/sms/...`), with the channel credential.

The credential reaches only those endpoints. Everything about a patient's appointments is read
and changed with the patient's own token, through `tools.client.SchedulingClient`.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import httpx

logger = logging.getLogger(__name__)


class ChannelApiError(RuntimeError):
    """The SMS endpoints failed or could not be reached; `status` is 0 for transport errors."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(f"SMS endpoint failed: HTTP {status} {code}")
        self.status = status
        self.code = code


class TooManyAttempts(ChannelApiError):
    """The number is locked after too many failed verifications or code requests."""


@dataclass(frozen=True)
class Verified:
    """A verified texter: the patient and a short-lived token for them."""

    patient_id: int
    token: str
    expires_in: int


class SmsApi:
    """Calls `/v1/sms/...` on the scheduling API with `Authorization: Bearer <secret>`."""

    def __init__(self, base_url: str, channel_secret: str, timeout: float = 10.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        self._http = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout,
                                  headers={"Authorization": f"Bearer {channel_secret}"},
                                  transport=transport)

    def close(self) -> None:
        self._http.close()

    def _post(self, path: str, body: dict, accept: tuple[int, ...] = (200, 204)) -> httpx.Response:
        try:
            response = self._http.post("/v1/sms" + path, json=body)
        except httpx.HTTPError as exc:
            logger.warning("SMS endpoint %s unreachable: %s", path, type(exc).__name__)
            raise ChannelApiError(0, "unreachable") from exc
        if response.status_code in accept:
            return response
        code = _code(response)
        if response.status_code == 429:
            raise TooManyAttempts(429, code)
        logger.warning("SMS endpoint %s failed: HTTP %s %s", path, response.status_code, code)
        raise ChannelApiError(response.status_code, code)

    def verify_date_of_birth(self, phone: str, date_of_birth: dt.date,
                             first_name: str | None) -> Verified | None:
        """Return the verified patient, or None when the details verify nobody."""
        body = {"phone": phone, "date_of_birth": date_of_birth.isoformat()}
        if first_name:
            body["first_name"] = first_name[:100]
        return _verified(self._post("/identity/date-of-birth", body, accept=(200, 401)))

    def request_code(self, phone: str, first_name: str | None) -> tuple[str, int]:
        """Return (code, seconds it lasts) for the channel to text to `phone`."""
        body = {"phone": phone, **({"first_name": first_name[:100]} if first_name else {})}
        data = self._post("/identity/codes", body).json()
        return data["code"], data["expires_in"]

    def verify_code(self, phone: str, code: str) -> Verified | None:
        """Return the patient the code verifies, or None."""
        return _verified(self._post("/identity/codes/verify", {"phone": phone, "code": code},
                                    accept=(200, 401)))

    def change_consent(self, phone: str, opted_out: bool, keyword: str | None,
                       message_sid: str | None) -> None:
        """Record an opt-out or opt-in that the texter sent as a keyword."""
        self._post("/consent", {"phone": phone, "opted_out": opted_out, "source": "sms_keyword",
                                "keyword": keyword, "message_sid": message_sid})

    def is_opted_out(self, phone: str) -> bool:
        return bool(self._post("/consent/status", {"phone": phone}).json()["opted_out"])

    def claim_reminders(self, as_of: dt.datetime | None) -> list[dict]:
        """Claim the reminders due at `as_of` (None: the API's now)."""
        body = {"as_of": as_of.isoformat()} if as_of else {}
        return self._post("/reminders/claim", body).json()["reminders"]

    def report_reminder(self, reminder_id: int, sent: bool, provider_message_id: str | None) -> None:
        body = {"sent": sent, **({"provider_message_id": provider_message_id} if provider_message_id else {})}
        self._post(f"/reminders/{reminder_id}/result", body)

    def latest_reminder(self, phone: str) -> dict | None:
        """Return the newest reminder sent to `phone` for an appointment still ahead, or None."""
        return self._post("/reminders/latest", {"phone": phone}).json()["reminder"]

    def answer_reminder(self, reminder_id: int, action: str) -> None:
        self._post(f"/reminders/{reminder_id}/reply", {"action": action})


def _verified(response: httpx.Response) -> Verified | None:
    if response.status_code != 200:
        return None
    data = response.json()
    return Verified(data["patient_id"], data["access_token"], data["expires_in"])


def _code(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return "unknown"
