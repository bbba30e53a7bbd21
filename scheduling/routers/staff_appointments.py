"""Staff booking on a patient's behalf, limited to the sites in the staff member's scope.

The booking service does the work, so rules such as claims, `slot_taken` and idempotency are
the same as for patients. The policy checks the patient and every site touched (the slot's and
the existing appointment's).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduling import booking
from scheduling.auth.deps import Actor, ActorDep
from scheduling.deps import SessionDep
from scheduling.events import emit
from scheduling.idempotency import request_hash, run_idempotent, validate_key
from scheduling.models import Appointment, Patient
from scheduling.policy import Resource
from scheduling.routers.appointments import IdempotencyKey, appointment_out
from scheduling.routers.slots import (
    build_slot_filter,
    check_ids_exist,
    earliest_local_today,
    slot_out,
)
from scheduling.schemas import (
    AppointmentList,
    AppointmentOut,
    DatabaseId,
    ErrorOut,
    SlotList,
    SlotQuery,
    SlotRequest,
)
from scheduling.scope import load_patient
from scheduling.slots import search_slots

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/staff", tags=["staff"])
ERRORS = {code: {"model": ErrorOut} for code in (401, 403, 404, 409, 422)}
PatientId = Annotated[DatabaseId, Path(description="Patient id")]
AppointmentId = Annotated[DatabaseId, Path(description="Appointment id")]
SLOT_SITE_MESSAGE = "Slot {slot_id} is not offered. Search GET /v1/staff/slots for open times."


def _check_slot_site(session: Session, actor: Actor, patient: Patient, slot_id: str) -> None:
    slot = booking.resolve_slot(session, patient, slot_id, actor.now)
    actor.require("appointment.change", Resource(patient.organization_id,
                                                 frozenset({slot.site.id})),
                  "slot_not_found", SLOT_SITE_MESSAGE.format(slot_id=slot_id))


def _check_appointment_site(session: Session, actor: Actor, patient: Patient,
                            appointment_id: int) -> None:
    appointment = booking.get_patient_appointment(session, patient, appointment_id)
    actor.require("appointment.change", Resource(patient.organization_id,
                                                 frozenset({appointment.site_id})),
                  "appointment_not_found", f"No appointment {appointment_id} was found for "
                  "this patient.")


@router.get("/slots", response_model=SlotList, responses=ERRORS)
def search_staff_slots(query: Annotated[SlotQuery, Query()], actor: ActorDep,
                       session: SessionDep) -> SlotList:
    """Search open slots as GET /v1/slots does, at the caller's sites only (admin: all).

    A `site_id` outside the caller's sites returns 404 `site_not_found`.
    """
    actor.require("slot.search")
    principal = actor.principal
    org_id = principal.organization_id
    check_ids_exist(session, org_id, query)
    flt = build_slot_filter(query, earliest_local_today(session, org_id, actor.now))
    if query.site_id is not None:
        actor.require("slot.search", Resource(org_id, frozenset({query.site_id})),
                      "site_not_found", f"No site has id {query.site_id}. See GET /v1/directory.")
        site_filters = [flt]
    elif principal.role == "admin":
        site_filters = [flt]
    else:
        site_filters = [replace(flt, site_id=site_id) for site_id in sorted(principal.site_ids)]
    slots = [slot for site_filter in site_filters
             for slot in search_slots(session, org_id, site_filter, actor.now, query.limit)]
    slots.sort(key=lambda slot: (slot.start, slot.provider.id))
    return SlotList(slots=[slot_out(slot) for slot in slots[:query.limit]])


@router.get("/patients/{patient_id}/appointments", response_model=AppointmentList,
            responses=ERRORS)
def list_patient_appointments(patient_id: PatientId, actor: ActorDep, session: SessionDep,
                              include_past: Annotated[bool, Query()] = False) -> AppointmentList:
    """List a patient's appointments in start order."""
    patient = load_patient(session, actor, patient_id, "appointment.read")
    query = select(Appointment).where(Appointment.patient_id == patient.id)
    if not include_past:
        query = query.where(Appointment.end_at > actor.now)
    rows = session.scalars(query.order_by(Appointment.start_at, Appointment.id))
    return AppointmentList(appointments=[appointment_out(row) for row in rows])


@router.post("/patients/{patient_id}/appointments", status_code=201,
             response_model=AppointmentOut, responses=ERRORS)
def book_for_patient(patient_id: PatientId, body: SlotRequest, request: Request,
                     actor: ActorDep, session: SessionDep,
                     idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Book a slot at one of the caller's sites for the patient; needs an Idempotency-Key."""
    key = validate_key(idempotency_key, required=True)
    patient = load_patient(session, actor, patient_id, "appointment.change")
    _check_slot_site(session, actor, patient, body.slot_id)
    digest = request_hash("POST", request.url.path, body.model_dump())

    def action() -> tuple[int, dict[str, Any]]:
        appointment = booking.book(session, patient, body.slot_id, actor.now)
        return 201, appointment_out(appointment).model_dump(mode="json")

    response = run_idempotent(session, patient, key, digest, action)
    emit("appointment.booked_by_staff", staff_id=actor.principal.id, patient_id=patient.id,
         status=response.status_code)
    return response


@router.post("/patients/{patient_id}/appointments/{appointment_id}/cancel",
             response_model=AppointmentOut, responses=ERRORS)
def cancel_for_patient(patient_id: PatientId, appointment_id: AppointmentId, actor: ActorDep,
                       session: SessionDep) -> AppointmentOut:
    """Cancel the patient's booked future appointment at one of the caller's sites."""
    patient = load_patient(session, actor, patient_id, "appointment.change")
    _check_appointment_site(session, actor, patient, appointment_id)
    appointment = booking.cancel(session, patient, appointment_id, actor.now)
    emit("appointment.cancelled_by_staff", staff_id=actor.principal.id, patient_id=patient.id,
         appointment_id=appointment.id)
    return appointment_out(appointment)


@router.post("/patients/{patient_id}/appointments/{appointment_id}/reschedule",
             response_model=AppointmentOut, responses=ERRORS)
def reschedule_for_patient(patient_id: PatientId, appointment_id: AppointmentId,
                           body: SlotRequest, request: Request, actor: ActorDep,
                           session: SessionDep,
                           idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Move the patient's appointment to another slot; both sites must be in scope."""
    key = validate_key(idempotency_key, required=False)
    patient = load_patient(session, actor, patient_id, "appointment.change")
    _check_appointment_site(session, actor, patient, appointment_id)
    _check_slot_site(session, actor, patient, body.slot_id)
    digest = request_hash("POST", request.url.path, body.model_dump())

    def action() -> tuple[int, dict[str, Any]]:
        new = booking.reschedule(session, patient, appointment_id, body.slot_id, actor.now)
        return 200, appointment_out(new).model_dump(mode="json")

    response = run_idempotent(session, patient, key, digest, action)
    emit("appointment.rescheduled_by_staff", staff_id=actor.principal.id,
         patient_id=patient.id, appointment_id=appointment_id, status=response.status_code)
    return response
