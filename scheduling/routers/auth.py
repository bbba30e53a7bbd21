"""Demo sign-in that trades a patient's email and date of birth for a bearer token."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from sqlalchemy import func, select

from scheduling.deps import SessionDep, SettingsDep
from scheduling.errors import ApiError
from scheduling.models import Patient
from scheduling.schemas import ErrorOut, TokenRequest, TokenResponse
from scheduling.security import issue_patient_token

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/auth", tags=["auth"])


@router.post("/patient-token", response_model=TokenResponse,
             responses={401: {"model": ErrorOut}, 422: {"model": ErrorOut}})
def create_patient_token(body: TokenRequest, session: SessionDep,
                         settings: SettingsDep) -> TokenResponse:
    """Issue a patient token; 401 `invalid_credentials` without saying which field was wrong."""
    # TODO: rate-limit failed sign-ins per email and client, because email plus date of birth
    # is guessable and this demo sign-in has no lockout.
    patient = session.scalar(
        select(Patient)
        .where(func.lower(Patient.email) == body.email.strip().lower(),
               Patient.date_of_birth == body.date_of_birth)
        .order_by(Patient.id)
        .limit(1)
    )
    if patient is None:
        logger.info("Rejected a patient sign-in")
        raise ApiError(401, "invalid_credentials", "The email and date of birth do not match a "
                       "patient. Check both and try again, or contact the clinic.")

    token = issue_patient_token(patient.id, patient.organization_id, settings)
    logger.info("Issued a token for patient %s", patient.id)
    return TokenResponse(access_token=token, expires_in=settings.token_ttl_seconds,
                         patient_id=patient.id)
