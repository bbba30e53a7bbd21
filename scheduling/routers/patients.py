"""The signed-in patient's own record."""

from __future__ import annotations

from fastapi import APIRouter

from scheduling.schemas import ErrorOut, PatientOut
from scheduling.security import CurrentPatient

router = APIRouter(prefix="/v1/patients", tags=["patients"])


@router.get("/me", response_model=PatientOut, responses={401: {"model": ErrorOut}})
def read_me(patient: CurrentPatient) -> PatientOut:
    """Return the patient the token belongs to."""
    return PatientOut.model_validate(patient, from_attributes=True)
