"""Password sign-in of staff and patients; each returns a session token and sets a cookie."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from scheduling.auth.deps import SessionsDep, ThrottleDep
from scheduling.auth.schemas import SessionOut, SignInRequest
from scheduling.auth.signin import password_sign_in
from scheduling.deps import NowDep, SessionDep, SettingsDep
from scheduling.schemas import ErrorOut

router = APIRouter(prefix="/v1/auth", tags=["auth"])
ERRORS = {code: {"model": ErrorOut} for code in (401, 422, 429)}


@router.post("/staff/sign-in", response_model=SessionOut, responses=ERRORS)
def staff_sign_in(body: SignInRequest, request: Request, response: Response,
                  session: SessionDep, settings: SettingsDep, sessions: SessionsDep,
                  throttle: ThrottleDep, now: NowDep) -> SessionOut:
    """Start a staff session that waits for TOTP (`mfa_required` is always true here)."""
    return password_sign_in("staff", body, request, response, session, settings, sessions,
                            throttle, now)


@router.post("/patient/sign-in", response_model=SessionOut, responses=ERRORS)
def patient_sign_in(body: SignInRequest, request: Request, response: Response,
                    session: SessionDep, settings: SettingsDep, sessions: SessionsDep,
                    throttle: ThrottleDep, now: NowDep) -> SessionOut:
    """Start a patient portal session; it waits for TOTP only if the patient enrolled it."""
    return password_sign_in("patient", body, request, response, session, settings, sessions,
                            throttle, now)
