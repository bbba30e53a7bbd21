"""Patient bearer credentials: HS256 JWTs with sub, role, org, iat, exp and jti, or sessions.

`current_patient` is the FastAPI dependency every patient endpoint uses. It accepts a JWT from
POST /v1/auth/patient-token, or a patient portal session token (POST /v1/auth/patient/sign-in)
whose second factor, if enrolled, is done. A missing, expired, tampered or otherwise unusable
credential raises 401 `invalid_token`, with one message for all of them so the response does
not help guess which check failed.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Annotated

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from scheduling.config import Settings
from scheduling.deps import get_session, get_settings
from scheduling.errors import ApiError
from scheduling.models import Patient

logger = logging.getLogger(__name__)

ALGORITHM = "HS256"
PATIENT_ROLE = "patient"
REQUIRED_CLAIMS = ["sub", "role", "org", "iat", "exp", "jti"]
INVALID_TOKEN_MESSAGE = (
    "The bearer token is missing, expired or invalid. Sign in again with "
    "POST /v1/auth/patient-token and send 'Authorization: Bearer <token>'."
)

bearer_scheme = HTTPBearer(auto_error=False)


def issue_patient_token(patient_id: int, org_id: int, settings: Settings,
                        now: dt.datetime | None = None) -> str:
    """Sign a patient token that expires after `settings.token_ttl_seconds`."""
    issued_at = now or dt.datetime.now(dt.timezone.utc)
    claims = {
        "sub": str(patient_id),
        "role": PATIENT_ROLE,
        "org": org_id,
        "iat": issued_at,
        "exp": issued_at + dt.timedelta(seconds=settings.token_ttl_seconds),
        "jti": uuid.uuid4().hex,
    }
    assert settings.token_secret is not None
    return jwt.encode(claims, settings.token_secret, algorithm=ALGORITHM)


def decode_patient_token(token: str, settings: Settings) -> tuple[int, int]:
    """Return (patient_id, org_id) of a valid token; raise ApiError 401 otherwise."""
    assert settings.token_secret is not None
    try:
        claims = jwt.decode(token, settings.token_secret, algorithms=[ALGORITHM],
                            options={"require": REQUIRED_CLAIMS})
        if claims["role"] != PATIENT_ROLE:
            raise ValueError("role is not patient")
        return int(claims["sub"]), int(claims["org"])
    except (jwt.InvalidTokenError, ValueError, TypeError) as exc:
        logger.info("Rejected a bearer token: %s", type(exc).__name__)
        raise ApiError(401, "invalid_token", INVALID_TOKEN_MESSAGE) from None


def current_patient(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    session: Annotated[Session, Depends(get_session)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> Patient:
    """Return the patient the bearer token names; raise ApiError 401 `invalid_token` otherwise."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(401, "invalid_token", INVALID_TOKEN_MESSAGE)

    token = credentials.credentials
    if token.count(".") == 2:
        patient_id, org_id = decode_patient_token(token, settings)
    else:
        patient_id, org_id = _patient_session(request, token)
    patient = session.get(Patient, patient_id)
    if patient is None or patient.organization_id != org_id:
        logger.info("Rejected a token for unknown patient %s", patient_id)
        raise ApiError(401, "invalid_token", INVALID_TOKEN_MESSAGE)
    request.state.patient_id = patient.id
    return patient


def _patient_session(request: Request, token: str) -> tuple[int, int]:
    """Return (patient_id, org_id) of a verified patient session; raise ApiError 401 otherwise."""
    sessions = request.app.state.sessions
    record = sessions.load(token, request.app.state.clock())
    if record is None or record.kind != PATIENT_ROLE or not record.mfa_verified:
        raise ApiError(401, "invalid_token", INVALID_TOKEN_MESSAGE)
    return record.account_id, record.organization_id


CurrentPatient = Annotated[Patient, Depends(current_patient)]
