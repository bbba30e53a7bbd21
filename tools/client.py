"""HTTP client of the scheduling API, bound to one patient's bearer token.

Every call raises `ApiError` for a non-2xx response, carrying the API's error code and message,
and for a transport failure (code `unreachable`). It never holds a service-wide credential.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import httpx

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """The scheduling API rejected a call, or could not be reached."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class SchedulingClient:
    """Calls the scheduling API as the patient whose token it holds."""

    def __init__(self, base_url: str, token: str, timeout: float = 10.0) -> None:
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SchedulingClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> dict:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            logger.warning("scheduling API call failed", extra={"path": path, "error": type(exc).__name__})
            raise ApiError(0, "unreachable", "the scheduling service did not respond; try again shortly") from exc
        if response.is_success:
            return response.json()
        raise _error_from(response)

    def me(self) -> dict:
        return self._request("GET", "/v1/patients/me")

    def directory(self) -> dict:
        return self._request("GET", "/v1/directory")

    def search_slots(self, **filters: Any) -> list[dict]:
        params = {key: value for key, value in filters.items() if value not in (None, "")}
        return self._request("GET", "/v1/slots", params=params)["slots"]

    def list_appointments(self, include_past: bool = False) -> list[dict]:
        params = {"include_past": str(include_past).lower()}
        return self._request("GET", "/v1/appointments", params=params)["appointments"]

    def get_appointment(self, appointment_id: str) -> dict:
        return self._request("GET", f"/v1/appointments/{appointment_id}")

    def book(self, slot_id: str, idempotency_key: str | None = None) -> dict:
        headers = {"Idempotency-Key": idempotency_key or uuid.uuid4().hex}
        return self._request("POST", "/v1/appointments", json={"slot_id": slot_id}, headers=headers)

    def cancel(self, appointment_id: str) -> dict:
        return self._request("POST", f"/v1/appointments/{appointment_id}/cancel")

    def reschedule(self, appointment_id: str, slot_id: str, idempotency_key: str | None = None) -> dict:
        headers = {"Idempotency-Key": idempotency_key or uuid.uuid4().hex}
        return self._request(
            "POST", f"/v1/appointments/{appointment_id}/reschedule", json={"slot_id": slot_id}, headers=headers
        )

    def escalate(self, conversation_id: str, reason: str, priority: str, channel: str, summary: str) -> dict:
        body = {
            "conversation_id": conversation_id,
            "reason": reason,
            "priority": priority,
            "channel": channel,
            "summary": summary,
        }
        return self._request("POST", "/v1/escalations", json=body)


def _error_from(response: httpx.Response) -> ApiError:
    try:
        error = response.json()["error"]
        return ApiError(response.status_code, error["code"], error["message"])
    except (ValueError, KeyError, TypeError):
        return ApiError(response.status_code, "http_error", f"the scheduling service returned HTTP {response.status_code}")
