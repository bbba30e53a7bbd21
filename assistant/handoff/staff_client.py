"""Scheduling API calls made with a staff member's own session token.

The assistant never holds a staff credential of its own: every call here carries the token the
console sent, so the scheduling API's policy (role, MFA, organization and sites) decides what the
staff member may read or change. Errors are `tools.client.ApiError`, as for patient calls.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx

from tools.client import ApiError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StaffSession:
    """A live, MFA-verified staff session as `GET /v1/auth/session` describes it."""

    account_id: int
    organization_id: int
    role: str
    site_ids: tuple[int, ...]


class StaffClient:
    """Calls the scheduling API's session and staff endpoints as one staff member."""

    def __init__(self, base_url: str, token: str, timeout: float = 10.0) -> None:
        self._http = httpx.Client(base_url=base_url.rstrip("/"),
                                  headers={"Authorization": f"Bearer {token}"}, timeout=timeout)

    def __enter__(self) -> StaffClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._http.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> dict:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            logger.warning("scheduling API call failed: %s", type(exc).__name__, extra={"path": path})
            raise ApiError(0, "unreachable", "the scheduling service did not respond; try again shortly") from exc
        body = _json(response)
        if response.is_success:
            return body
        error = body.get("error") if isinstance(body.get("error"), dict) else {}
        raise ApiError(response.status_code, error.get("code", "http_error"),
                       error.get("message", f"the scheduling service returned HTTP {response.status_code}"))

    def session(self) -> StaffSession:
        """Return the caller's session.

        Raises ApiError 401 `invalid_session` for a missing, expired or patient token, 403
        `staff_only` for a patient portal session and 403 `mfa_required` before the second factor.
        """
        info = self._request("GET", "/v1/auth/session")
        if info.get("kind") != "staff":
            raise ApiError(403, "staff_only", "This endpoint is for clinic staff. Sign in at /staff.")
        if not info.get("mfa_verified"):
            raise ApiError(403, "mfa_required", "Finish two-factor sign-in first, then retry.")
        return StaffSession(account_id=int(info["account_id"]), organization_id=int(info["organization_id"]),
                            role=str(info["role"]), site_ids=tuple(info.get("site_ids") or ()))

    def escalations(self, status: str) -> list[dict]:
        return self._request("GET", "/v1/staff/escalations", params={"status": status, "limit": 200})["escalations"]

    def claim(self, escalation_id: int) -> dict:
        return self._request("POST", f"/v1/staff/escalations/{escalation_id}/claim")

    def resolve(self, escalation_id: int) -> dict:
        return self._request("POST", f"/v1/staff/escalations/{escalation_id}/resolve")

    def hand_back(self, escalation_id: int) -> dict:
        return self._request("POST", f"/v1/staff/escalations/{escalation_id}/hand-back")

    def patient(self, patient_id: int) -> dict:
        """Return the patient as the caller's role may see them; 404 outside the caller's scope."""
        return self._request("GET", f"/v1/staff/patients/{patient_id}")


def _json(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
