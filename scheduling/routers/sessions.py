"""The caller's own session: read it, re-authenticate, sign out here or everywhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from fastapi import APIRouter, Request, Response

from scheduling.auth.accounts import account_of
from scheduling.auth.deps import (
    CurrentSession,
    SessionsDep,
    ThrottleDep,
    clear_session_cookie,
    client_address,
    principal_for,
)
from scheduling.auth.schemas import ReauthOut, ReauthRequest, SessionInfo, SignedOutOut
from scheduling.auth.throttle import address_key
from scheduling.deps import NowDep, SessionDep, SettingsDep
from scheduling.errors import ApiError
from scheduling.events import emit
from scheduling.schemas import ErrorOut
from scheduling.sessions.service import SessionRecord

router = APIRouter(prefix="/v1/auth", tags=["sessions"])
ERRORS = {code: {"model": ErrorOut} for code in (401, 403, 422, 429)}


def _utc(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)


def session_info(record: SessionRecord, site_ids: list[int]) -> SessionInfo:
    """Describe a session without its token; `session_id` is the id admins terminate."""
    return SessionInfo(
        session_id=record.ref, kind=record.kind, account_id=record.account_id,  # type: ignore
        organization_id=record.organization_id, role=record.role, site_ids=site_ids,
        mfa_verified=record.mfa_verified, created_at=_utc(record.created_at),
        last_seen_at=_utc(record.last_seen_at), expires_at=_utc(record.expires_at),
        idle_timeout_seconds=record.idle_seconds, authenticated_at=_utc(record.authenticated_at),
        break_glass_until=_utc(record.break_glass_until) if record.break_glass_until else None,
    )


@router.get("/session", response_model=SessionInfo, responses=ERRORS)
def read_session(record: CurrentSession, session: SessionDep) -> SessionInfo:
    """Return the current session; also works while it waits for the second factor."""
    principal = principal_for(record, session)
    return session_info(record, sorted(principal.site_ids))


@router.post("/sign-out", status_code=204, responses=ERRORS)
def sign_out(record: CurrentSession, request: Request, sessions: SessionsDep) -> Response:
    """End the current session and clear the cookie."""
    sessions.delete(record)
    emit("session.ended", kind=record.kind, account_id=record.account_id, session_id=record.ref)
    response = Response(status_code=204)
    clear_session_cookie(response, request)
    return response


@router.post("/sign-out-everywhere", response_model=SignedOutOut, responses=ERRORS)
def sign_out_everywhere(record: CurrentSession, request: Request, response: Response,
                        sessions: SessionsDep, now: NowDep) -> SignedOutOut:
    """End every session of the caller's account, this one included."""
    ended = sessions.delete_all(record.kind, record.account_id, now)
    emit("session.ended_everywhere", kind=record.kind, account_id=record.account_id,
         sessions=ended)
    clear_session_cookie(response, request)
    return SignedOutOut(ended_sessions=ended)


@router.post("/reauthenticate", response_model=ReauthOut, responses=ERRORS)
def reauthenticate(body: ReauthRequest, record: CurrentSession, request: Request,
                   session: SessionDep, settings: SettingsDep, sessions: SessionsDep,
                   throttle: ThrottleDep, now: NowDep) -> ReauthOut:
    """Prove the password or a TOTP code again, which sensitive actions need within minutes.

    Raises 403 `mfa_required` for a session still waiting for its second factor, 401
    `invalid_credentials` for a wrong password or code, and 429 while locked.
    """
    if not record.mfa_verified:
        raise ApiError(403, "mfa_required", "Finish two-factor sign-in before re-authenticating.")
    account = account_of(session, record)
    if account is None:
        raise ApiError(401, "invalid_session", "The account of this session no longer exists.")
    keys = [f"throttle:reauth:{record.kind}:{record.account_id}",
            address_key(client_address(request))]
    throttle.check(keys, now)
    if body.password is not None:
        passed = account.check_password(body.password, settings)
    else:
        passed = account.row.totp_enabled and account.check_totp(body.code or "", settings, now)
    if not passed:
        throttle.record_failure(keys[0], keys[1], now)
        raise ApiError(401, "invalid_credentials", "The password or code is wrong. Try again.")

    session.commit()
    throttle.reset(keys[0])
    refreshed = sessions.get(record.ref, now)
    if refreshed is None:
        raise ApiError(401, "invalid_session", "The session ended. Sign in again.")
    updated = replace(refreshed, authenticated_at=now.timestamp())
    sessions.save(updated, now)
    emit("auth.reauthenticated", kind=record.kind, account_id=record.account_id)
    return ReauthOut(authenticated_at=now,
                     valid_until=now + dt.timedelta(minutes=settings.reauth_minutes))
