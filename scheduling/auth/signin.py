"""Password sign-in shared by staff and patients: throttle, verify, start a session.

Every failure returns 401 `invalid_credentials` with one message, after one argon2
verification even when no account has the email, so neither the text nor the timing shows
whether an account exists.
"""

from __future__ import annotations

import datetime as dt
import logging

from fastapi import Request, Response
from sqlalchemy.orm import Session

from scheduling.auth.accounts import Account, find_patients, find_staff
from scheduling.auth.deps import client_address, set_session_cookie
from scheduling.auth.passwords import verify_password
from scheduling.auth.schemas import SessionOut, SignInRequest
from scheduling.auth.throttle import Throttle, account_key, address_key
from scheduling.config import Settings
from scheduling.errors import ApiError
from scheduling.events import MAX_FIELD_CHARS, emit
from scheduling.sessions.service import SessionRecord, SessionService

logger = logging.getLogger(__name__)

INVALID_CREDENTIALS_MESSAGE = ("The email or password is wrong. Check both and try again; "
                               "repeated failures lock sign-in for a while.")


def session_out(token: str, record: SessionRecord, mfa_enrolled: bool) -> SessionOut:
    """Describe a newly started session."""
    return SessionOut(
        session_token=token, kind=record.kind, role=record.role,  # type: ignore[arg-type]
        mfa_required=not record.mfa_verified, mfa_enrolled=mfa_enrolled,
        expires_at=dt.datetime.fromtimestamp(record.expires_at, dt.timezone.utc),
        idle_timeout_seconds=record.idle_seconds,
    )


def password_sign_in(kind: str, body: SignInRequest, request: Request, response: Response,
                     session: Session, settings: Settings, sessions: SessionService,
                     throttle: Throttle, now: dt.datetime) -> SessionOut:
    """Check the password of a `kind` account and start a session.

    Staff sessions start waiting for TOTP; patient sessions do only when the patient enrolled
    TOTP. Raises ApiError 429 `too_many_attempts` while the email or address is locked and
    401 `invalid_credentials` for any wrong email or password.
    """
    address = client_address(request)
    keys = [account_key(kind, body.email), address_key(address)]
    throttle.check(keys, now)

    if kind == "staff":
        staff = find_staff(session, body.email)
        candidates = [staff] if staff else []
    else:
        candidates = find_patients(session, body.email)
    matched = _first_match(candidates, body.password, settings)
    if matched is None:
        throttle.record_failure(keys[0], keys[1], now)
        emit("auth.sign_in_failed", kind=kind, ip=address, user_agent=request.headers.get("user-agent", "")[:MAX_FIELD_CHARS])
        logger.info("Rejected a %s sign-in", kind)
        raise ApiError(401, "invalid_credentials", INVALID_CREDENTIALS_MESSAGE)

    throttle.reset(keys[0])
    enrolled = bool(matched.row.totp_enabled)
    mfa_verified = kind == "patient" and not enrolled
    token, record = sessions.create(
        kind=kind, account_id=matched.id, organization_id=matched.organization_id,
        role=matched.role, now=now, mfa_verified=mfa_verified, address=address,
        user_agent=request.headers.get("user-agent", ""))
    session.commit()
    set_session_cookie(response, request, token, settings, kind)
    emit("auth.sign_in", kind=kind, account_id=matched.id, organization_id=matched.organization_id,
         mfa_pending=not mfa_verified, ip=address, user_agent=request.headers.get("user-agent", "")[:MAX_FIELD_CHARS])
    return session_out(token, record, enrolled)


def _first_match(candidates: list[Account], password: str, settings: Settings) -> Account | None:
    if not candidates:
        verify_password(None, password, settings)
        return None
    matched = None
    for account in candidates:
        if account.check_password(password, settings) and matched is None:
            matched = account
    return matched
