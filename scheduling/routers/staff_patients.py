"""Staff view of patients: search in scope, and one patient, masked by role."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import func, or_

from scheduling.auth.deps import ActorDep
from scheduling.deps import SessionDep
from scheduling.events import emit
from scheduling.models import Patient
from scheduling.schemas import DatabaseId, ErrorOut
from scheduling.scope import load_patient, scoped_patients
from scheduling.staff_schemas import (
    MIN_REASON_CHARS,
    SearchText,
    StaffPatientList,
    StaffPatientOut,
)

router = APIRouter(prefix="/v1/staff/patients", tags=["staff"])
ERRORS = {code: {"model": ErrorOut} for code in (401, 403, 404, 422)}
PatientId = Annotated[DatabaseId, Path(description="Patient id")]


def mask_email(email: str) -> str:
    """Keep the first character and the domain: `j***@example.com`."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def mask_phone(phone: str) -> str:
    """Keep the last four digits: `***-***-0101`."""
    digits = "".join(character for character in phone if character.isdigit())
    return f"***-***-{digits[-4:]}" if len(digits) >= 4 else "***"


def patient_out(patient: Patient, masked: bool) -> StaffPatientOut:
    """Convert a patient, masking DOB, phone and email when `masked` is true.

    Masked output keeps the birth year, the last four phone digits and the email's first
    character and domain, which is enough to confirm a caller's identity.
    """
    return StaffPatientOut(
        id=patient.id, first_name=patient.first_name, last_name=patient.last_name,
        date_of_birth=f"{patient.date_of_birth.year}-**-**" if masked
        else patient.date_of_birth.isoformat(),
        phone=mask_phone(patient.phone) if masked else patient.phone,
        email=mask_email(patient.email) if masked else patient.email,
        home_site_id=patient.home_site_id, masked=masked,
    )


@router.get("", response_model=StaffPatientList, responses=ERRORS)
def search_patients(actor: ActorDep, session: SessionDep,
                    q: Annotated[SearchText | None, Query(description="Name or email prefix")] = None,
                    limit: Annotated[int, Query(ge=1, le=100)] = 20) -> StaffPatientList:
    """List patients in the caller's scope, optionally matching a name or email prefix."""
    actor.require("patient.search")
    query = scoped_patients(actor)
    if q:
        prefix = q.strip().lower().replace("%", "").replace("_", "") + "%"
        query = query.where(or_(func.lower(Patient.first_name).like(prefix),
                                func.lower(Patient.last_name).like(prefix),
                                func.lower(Patient.email).like(prefix)))
    rows = session.scalars(query.order_by(Patient.last_name, Patient.id).limit(limit))
    return StaffPatientList(patients=[patient_out(row, masked=True) for row in rows])


@router.get("/{patient_id}", response_model=StaffPatientOut, responses=ERRORS)
def read_patient(patient_id: PatientId, actor: ActorDep, session: SessionDep,
                 reason: Annotated[str | None, Query(
                     min_length=MIN_REASON_CHARS, max_length=500,
                     description="Why unmasked details are needed; asks for them")] = None,
                 ) -> StaffPatientOut:
    """Return one patient in scope, masked unless a `reason` is given and the role allows it.

    With `reason`, clinician and admin (and any break-glass session) see DOB, phone and email
    unmasked, and an event records the access. Other roles get 403 `forbidden`.
    """
    if reason is None:
        return patient_out(load_patient(session, actor, patient_id, "patient.read"), True)

    patient = load_patient(session, actor, patient_id, "patient.read_unmasked")
    decision = actor.require("patient.read_unmasked")
    emit("patient.unmasked_view", staff_id=actor.principal.id, patient_id=patient.id,
         organization_id=patient.organization_id, role=actor.principal.role,
         break_glass=decision.via_break_glass or actor.principal.break_glass_active(actor.now))
    return patient_out(patient, masked=False)
