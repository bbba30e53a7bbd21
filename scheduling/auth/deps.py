"""FastAPI dependencies that turn a session token into a `Principal` and check the policy.

The token is read from `Authorization: Bearer <token>` first, then from the SESSION_COOKIE
cookie. A missing, unknown or expired token raises 401 `invalid_session`, with one message for
all three. Staff rows are read on every request, so a deactivated account or a role change takes
effect at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Response

from scheduling.account_models import StaffMember
from scheduling.auth.throttle import Throttle
from scheduling.config import Settings
from scheduling.deps import NowDep, SessionDep, SettingsDep
from scheduling.errors import ApiError
from scheduling.models import Patient
from scheduling.policy import STAFF, Decision, PolicyContext, Principal, Resource, require
from scheduling.sessions.service import SessionRecord, SessionService

SESSION_COOKIE = "clinic_session"
INVALID_SESSION_MESSAGE = ("The session is missing, expired or ended. Sign in again and send "
                           "'Authorization: Bearer <session_token>'.")


def get_sessions(request: Request) -> SessionService:
    """Return the application's session service."""
    return request.app.state.sessions


def get_throttle(request: Request) -> Throttle:
    """Return the application's sign-in throttle."""
    return request.app.state.throttle


SessionsDep = Annotated[SessionService, Depends(get_sessions)]
ThrottleDep = Annotated[Throttle, Depends(get_throttle)]


def read_token(request: Request) -> str | None:
    """Return the bearer token, else the session cookie, else None."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(SESSION_COOKIE) or None


def client_address(request: Request) -> str:
    """Return the peer address (a reverse proxy must be trusted to set it correctly)."""
    return request.client.host if request.client else "unknown"


def current_session(request: Request, sessions: SessionsDep, now: NowDep) -> SessionRecord:
    """Return the live session of the request, marked as used; raise 401 otherwise."""
    token = read_token(request)
    record = sessions.load(token, now) if token else None
    if record is None:
        raise ApiError(401, "invalid_session", INVALID_SESSION_MESSAGE)
    request.state.session_ref = record.ref
    return record


CurrentSession = Annotated[SessionRecord, Depends(current_session)]


def principal_for(record: SessionRecord, session: SessionDep) -> Principal:
    """Build the principal of a live session from the account's current row."""
    if record.kind == STAFF:
        staff = session.get(StaffMember, record.account_id)
        if staff is None or not staff.is_active or staff.organization_id != record.organization_id:
            raise ApiError(401, "invalid_session", INVALID_SESSION_MESSAGE)
        role, site_ids = staff.role, frozenset(site.id for site in staff.sites)
    else:
        patient = session.get(Patient, record.account_id)
        if patient is None or patient.organization_id != record.organization_id:
            raise ApiError(401, "invalid_session", INVALID_SESSION_MESSAGE)
        role, site_ids = "patient", frozenset()
    until = record.break_glass_until
    return Principal(
        kind=record.kind, id=record.account_id, organization_id=record.organization_id,
        role=role, site_ids=site_ids, mfa_verified=record.mfa_verified,
        authenticated_at=dt.datetime.fromtimestamp(record.authenticated_at, dt.timezone.utc),
        session_ref=record.ref,
        break_glass_until=dt.datetime.fromtimestamp(until, dt.timezone.utc) if until else None,
    )


@dataclass(frozen=True)
class Actor:
    """The principal of a request together with the attributes the policy reads."""

    principal: Principal
    context: PolicyContext

    @property
    def now(self) -> dt.datetime:
        """The request's time, from the application clock."""
        return self.context.now

    def require(self, action: str, resource: Resource | None = None,
                not_found_code: str = "not_found",
                not_found_message: str = "No such record.") -> Decision:
        """Return the policy's allowing decision or raise it as ApiError (see `policy.require`)."""
        return require(self.principal, action, resource, self.context, not_found_code,
                       not_found_message)


def current_actor(record: CurrentSession, session: SessionDep, settings: SettingsDep,
                  now: NowDep) -> Actor:
    """Return the request's actor; the policy, not this dependency, decides what it may do."""
    context = PolicyContext(now=now, reauth_minutes=settings.reauth_minutes,
                            access_hours=settings.staff_access_hours)
    return Actor(principal_for(record, session), context)


ActorDep = Annotated[Actor, Depends(current_actor)]


def set_session_cookie(response: Response, request: Request, token: str,
                       settings: Settings, kind: str) -> None:
    """Set the HttpOnly, SameSite=Strict session cookie; Secure when the request is https."""
    minutes = (settings.staff_session_minutes if kind == STAFF
               else settings.patient_session_minutes)
    response.set_cookie(SESSION_COOKIE, token, max_age=minutes * 60, httponly=True,
                        secure=request.url.scheme == "https", samesite="strict", path="/")


def clear_session_cookie(response: Response, request: Request) -> None:
    """Expire the session cookie in the browser."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True,
                           secure=request.url.scheme == "https", samesite="strict")
