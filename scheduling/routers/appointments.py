"""The patient's appointments: list, book, cancel and reschedule."""

from __future__ import annotations

import logging
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from scheduling import booking
from scheduling.deps import NowDep, SessionDep, booking_lead
from scheduling.idempotency import request_hash, run_idempotent, validate_key
from scheduling.models import Appointment
from scheduling.schemas import (
    AppointmentList,
    AppointmentOut,
    AppointmentStatus,
    DatabaseId,
    ErrorOut,
    SlotRequest,
)
from scheduling.security import CurrentPatient

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/appointments", tags=["appointments"])

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut} for code in (401, 404, 409, 422)
}
AppointmentId = Annotated[DatabaseId, Path(description="Appointment id")]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]


def appointment_out(appointment: Appointment) -> AppointmentOut:
    """Convert an appointment to its response shape, with times in the site's zone."""
    zone = ZoneInfo(appointment.site.time_zone)
    return AppointmentOut(
        id=appointment.id,
        status=appointment.status,  # type: ignore[arg-type]
        provider_id=appointment.provider_id,
        provider_name=appointment.provider.display_name,
        site_id=appointment.site_id,
        site_name=appointment.site.name,
        appointment_type_id=appointment.appointment_type_id,
        appointment_type_name=appointment.appointment_type.name,
        start=appointment.start_at.astimezone(zone),
        end=appointment.end_at.astimezone(zone),
        time_zone=appointment.site.time_zone,
        rescheduled_from_id=appointment.rescheduled_from_id,
        rescheduled_to_id=appointment.rescheduled_to_id,
        created_at=appointment.created_at,
    )


@router.get("", response_model=AppointmentList, responses=ERRORS)
def list_appointments(
    patient: CurrentPatient,
    session: SessionDep,
    now: NowDep,
    status: Annotated[AppointmentStatus | None, Query()] = None,
    include_past: Annotated[bool, Query()] = False,
) -> AppointmentList:
    """List the patient's appointments in start order; past ones only with include_past."""
    query = (
        select(Appointment)
        .where(Appointment.patient_id == patient.id)
        .options(selectinload(Appointment.provider), selectinload(Appointment.site),
                 selectinload(Appointment.appointment_type))
        .order_by(Appointment.start_at, Appointment.id)
    )
    if status is not None:
        query = query.where(Appointment.status == status)
    if not include_past:
        query = query.where(Appointment.end_at > now)
    return AppointmentList(appointments=[appointment_out(row) for row in session.scalars(query)])


@router.post("", status_code=201, response_model=AppointmentOut, responses=ERRORS)
def book_appointment(body: SlotRequest, request: Request, patient: CurrentPatient,
                     session: SessionDep, now: NowDep,
                     idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Book a slot; requires an Idempotency-Key so a retry never books twice."""
    key = validate_key(idempotency_key, required=True)
    digest = request_hash("POST", request.url.path, body.model_dump())

    def action() -> tuple[int, dict[str, Any]]:
        appointment = booking.book(session, patient, body.slot_id, now, booking_lead(request))
        return 201, appointment_out(appointment).model_dump(mode="json")

    response = run_idempotent(session, patient, key, digest, action)
    logger.info("Booking request by patient %s returned status %s", patient.id, response.status_code)
    return response


@router.get("/{appointment_id}", response_model=AppointmentOut, responses=ERRORS)
def read_appointment(appointment_id: AppointmentId, patient: CurrentPatient,
                     session: SessionDep) -> AppointmentOut:
    """Return one of the patient's appointments; 404 for an unknown id or someone else's."""
    return appointment_out(booking.get_patient_appointment(session, patient, appointment_id))


@router.post("/{appointment_id}/cancel", response_model=AppointmentOut, responses=ERRORS)
def cancel_appointment(appointment_id: AppointmentId, patient: CurrentPatient,
                       session: SessionDep, now: NowDep) -> AppointmentOut:
    """Cancel a booked appointment that has not started."""
    appointment = booking.cancel(session, patient, appointment_id, now)
    return appointment_out(appointment)


@router.post("/{appointment_id}/reschedule", response_model=AppointmentOut, responses=ERRORS)
def reschedule_appointment(appointment_id: AppointmentId, body: SlotRequest, request: Request,
                           patient: CurrentPatient, session: SessionDep, now: NowDep,
                           idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Move an appointment to another slot atomically; returns the new appointment."""
    key = validate_key(idempotency_key, required=False)
    digest = request_hash("POST", request.url.path, body.model_dump())

    def action() -> tuple[int, dict[str, Any]]:
        new = booking.reschedule(session, patient, appointment_id, body.slot_id, now, booking_lead(request))
        return 200, appointment_out(new).model_dump(mode="json")

    response = run_idempotent(session, patient, key, digest, action)
    logger.info("Reschedule of appointment %s by patient %s returned status %s", appointment_id,
                patient.id, response.status_code)
    return response
