"""TOTP enrolment and the second sign-in step, for staff and for patients who opt in.

Both successful steps replace the session token (the old one stops working), so a token seen
before the second factor is worth nothing after it.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from scheduling.auth import totp
from scheduling.auth.accounts import Account, account_of
from scheduling.auth.deps import (
    CurrentSession,
    SessionsDep,
    ThrottleDep,
    client_address,
    set_session_cookie,
)
from scheduling.auth.schemas import (
    CodeRequest,
    EnrolledOut,
    EnrolmentOut,
    SessionOut,
    VerifyRequest,
)
from scheduling.auth.signin import session_out
from scheduling.auth.throttle import Throttle, address_key
from scheduling.deps import NowDep, SessionDep, SettingsDep
from scheduling.errors import ApiError
from scheduling.events import emit
from scheduling.schemas import ErrorOut
from scheduling.sessions.service import SessionRecord

router = APIRouter(prefix="/v1/auth/mfa", tags=["mfa"])
ERRORS = {code: {"model": ErrorOut} for code in (401, 409, 422, 429)}
WRONG_CODE_MESSAGE = "The code is wrong, expired or already used. Enter the current code."


def _account(session: Session, record: SessionRecord) -> Account:
    account = account_of(session, record)
    if account is None:
        raise ApiError(401, "invalid_session", "The account of this session no longer exists.")
    return account


def _throttle_keys(record: SessionRecord, request: Request) -> list[str]:
    return [f"throttle:mfa:{record.kind}:{record.account_id}",
            address_key(client_address(request))]


def _reject(throttle: Throttle, keys: list[str], now: dt.datetime, record: SessionRecord) -> None:
    throttle.record_failure(keys[0], keys[1], now)
    emit("auth.mfa_failed", kind=record.kind, account_id=record.account_id)
    raise ApiError(401, "invalid_code", WRONG_CODE_MESSAGE, "code")


@router.post("/totp/enrolment", response_model=EnrolmentOut, responses=ERRORS)
def begin_enrolment(record: CurrentSession, session: SessionDep,
                    settings: SettingsDep) -> EnrolmentOut:
    """Create a pending TOTP secret and return it with its otpauth URI and QR code.

    Raises 409 `mfa_already_enrolled` when TOTP is on, so a password alone cannot replace it.
    """
    account = _account(session, record)
    if account.row.totp_enabled:
        raise ApiError(409, "mfa_already_enrolled", "TOTP is already set up for this account. "
                       "Verify with POST /v1/auth/mfa/verify, or ask an admin to reset it.")
    secret = totp.new_secret()
    account.set_totp_secret(secret, settings)
    session.commit()
    uri = totp.provisioning_uri(secret, account.label)
    return EnrolmentOut(secret=secret, otpauth_uri=uri, qr_code=totp.qr_svg_data_uri(uri))


@router.post("/totp/enrolment/confirm", response_model=EnrolledOut, responses=ERRORS)
def confirm_enrolment(body: CodeRequest, record: CurrentSession, request: Request,
                      response: Response, session: SessionDep, settings: SettingsDep,
                      sessions: SessionsDep, throttle: ThrottleDep, now: NowDep) -> EnrolledOut:
    """Turn TOTP on with a first code; return a verified session and ten recovery codes.

    Raises 409 `no_pending_enrolment` without a prior enrolment request, 401 `invalid_code`
    for a wrong code, and 429 while locked.
    """
    account = _account(session, record)
    if account.row.totp_enabled or not account.row.totp_secret:
        raise ApiError(409, "no_pending_enrolment", "Start with POST /v1/auth/mfa/totp/enrolment.")
    keys = _throttle_keys(record, request)
    throttle.check(keys, now)
    if not account.check_totp(body.code, settings, now):
        _reject(throttle, keys, now, record)

    account.row.totp_enabled = True
    codes = account.replace_recovery_codes(session)
    session.commit()
    throttle.reset(keys[0])
    token, fresh = sessions.rotate(record, now, mfa_verified=True)
    set_session_cookie(response, request, token, settings, fresh.kind)
    emit("auth.mfa_enrolled", kind=record.kind, account_id=record.account_id)
    return EnrolledOut(**session_out(token, fresh, True).model_dump(), recovery_codes=codes)


@router.post("/verify", response_model=SessionOut, responses=ERRORS)
def verify(body: VerifyRequest, record: CurrentSession, request: Request, response: Response,
           session: SessionDep, settings: SettingsDep, sessions: SessionsDep,
           throttle: ThrottleDep, now: NowDep) -> SessionOut:
    """Finish sign-in with a TOTP code or a recovery code; returns a new verified session.

    Raises 409 `mfa_not_enrolled` when the account has no TOTP yet, 401 `invalid_code` for a
    wrong, replayed or used code, and 429 while locked.
    """
    account = _account(session, record)
    if not account.row.totp_enabled:
        raise ApiError(409, "mfa_not_enrolled", "Set up TOTP first with POST "
                       "/v1/auth/mfa/totp/enrolment.")
    keys = _throttle_keys(record, request)
    throttle.check(keys, now)
    if body.code is not None:
        passed = account.check_totp(body.code, settings, now)
    else:
        passed = account.use_recovery_code(session, body.recovery_code or "", now)
    if not passed:
        _reject(throttle, keys, now, record)

    session.commit()
    throttle.reset(keys[0])
    token, fresh = sessions.rotate(record, now, mfa_verified=True)
    set_session_cookie(response, request, token, settings, fresh.kind)
    emit("auth.mfa_verified", kind=record.kind, account_id=record.account_id,
         recovery_code=body.recovery_code is not None)
    return session_out(token, fresh, True)
