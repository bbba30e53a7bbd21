"""Demo sign-in that trades a patient's email and date of birth for a bearer token."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from sqlalchemy import func, select

from scheduling.auth.deps import ThrottleDep, client_address
from scheduling.auth.throttle import account_key, address_key
from scheduling.deps import NowDep, SessionDep, SettingsDep
from scheduling.errors import ApiError
from scheduling.models import Patient
from scheduling.schemas import ErrorOut, TokenRequest, TokenResponse
from scheduling.security import issue_patient_token

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/auth", tags=["auth"])


@router.post("/patient-token", response_model=TokenResponse,
             responses={code: {"model": ErrorOut} for code in (401, 422, 429)})
def create_patient_token(body: TokenRequest, request: Request, session: SessionDep,
                         settings: SettingsDep, throttle: ThrottleDep,
                         now: NowDep) -> TokenResponse:
    """Issue a patient token; 401 `invalid_credentials` without saying which field was wrong.

    Failures are throttled per email and per client address like password sign-in, because
    an email and a date of birth are guessable. A locked key returns 429 `too_many_attempts`.
    """
    keys = [account_key("patient-token", body.email), address_key(client_address(request))]
    throttle.check(keys, now)
    patient = session.scalar(
        select(Patient)
        .where(func.lower(Patient.email) == body.email.strip().lower(),
               Patient.date_of_birth == body.date_of_birth)
        .order_by(Patient.id)
        .limit(1)
    )
    if patient is None:
        throttle.record_failure(keys[0], keys[1], now)
        logger.info("Rejected a patient sign-in")
        raise ApiError(401, "invalid_credentials", "The email and date of birth do not match a "
                       "patient. Check both and try again, or contact the clinic.")

    throttle.reset(keys[0])
    token = issue_patient_token(patient.id, patient.organization_id, settings)
    logger.info("Issued a token for patient %s", patient.id)
    return TokenResponse(access_token=token, expires_in=settings.token_ttl_seconds,
                         patient_id=patient.id)
