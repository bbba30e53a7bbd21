"""Booking, cancelling and rescheduling, each in one database transaction.

A booked appointment inserts one `SlotClaim` per claim unit it covers. The unique constraint on
claims makes the database reject a second booking of any overlapping time, so two concurrent
requests for one slot end with one appointment and one `slot_taken` error on SQLite and
PostgreSQL alike. Cancelling deletes the claims, which frees the time.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from scheduling.errors import ApiError
from scheduling.models import Appointment, Patient, SlotClaim
from scheduling.slots import Slot, SlotRef, claim_units, find_offered_slot

logger = logging.getLogger(__name__)


def resolve_slot(session: Session, patient: Patient, slot_id: str, now: dt.datetime,
                 lead: dt.timedelta = dt.timedelta(0)) -> Slot:
    """Return the offered slot `slot_id` names.

    Raises ApiError 422 `invalid_slot_id` for a malformed id, 404 `slot_not_found` when no
    template offers that time, 422 `slot_in_past` when it has started, and 422 `slot_too_soon`
    when it starts within `lead` of now.
    """
    try:
        ref = SlotRef.parse(slot_id)
    except ValueError as exc:
        raise ApiError(422, "invalid_slot_id", f"Invalid slot_id '{slot_id[:100]}': {exc}. Use a "
                       "slot_id returned by GET /v1/slots.", "slot_id") from None

    slot = find_offered_slot(session, patient.organization_id, ref)
    if slot is None:
        raise ApiError(404, "slot_not_found", f"Slot {slot_id} is not offered. Search GET "
                       "/v1/slots for open times.", "slot_id")
    if slot.start <= now:
        raise ApiError(422, "slot_in_past", f"Slot {slot_id} has already started. Choose a "
                       "future slot from GET /v1/slots.", "slot_id")
    if slot.start <= now + lead:
        minutes = int(lead.total_seconds() // 60)
        raise ApiError(422, "slot_too_soon", f"Slot {slot_id} starts within {minutes} minutes; "
                       "online booking needs that much notice. Choose a later slot or call the clinic.",
                       "slot_id")
    return slot


def book(session: Session, patient: Patient, slot_id: str, now: dt.datetime,
         lead: dt.timedelta = dt.timedelta(0)) -> Appointment:
    """Book `slot_id` for the patient; the caller commits.

    Raises the errors of `resolve_slot`, and ApiError 409 `slot_taken` when any part of the time
    is already booked; then nothing is written.
    """
    slot = resolve_slot(session, patient, slot_id, now, lead)
    appointment = _new_appointment(patient, slot, now)
    _insert_with_claims(session, appointment, slot_id)
    return appointment


def get_patient_appointment(session: Session, patient: Patient, appointment_id: int,
                            *, for_update: bool = False) -> Appointment:
    """Return the patient's appointment; raise ApiError 404 if it is missing or someone else's."""
    query = select(Appointment).where(
        Appointment.id == appointment_id, Appointment.patient_id == patient.id
    )
    if for_update:
        query = query.with_for_update()
    appointment = session.scalar(query)
    if appointment is None:
        raise ApiError(404, "appointment_not_found", f"No appointment {appointment_id} was "
                       "found. List yours with GET /v1/appointments.", "appointment_id")
    return appointment


def cancel(session: Session, patient: Patient, appointment_id: int,
           now: dt.datetime) -> Appointment:
    """Cancel a booked future appointment and free its time; commit.

    Raises ApiError 404 `appointment_not_found`, or 409 `not_cancellable` when the appointment
    is not booked or has started.
    """
    appointment = get_patient_appointment(session, patient, appointment_id, for_update=True)
    _check_changeable(appointment, now, "not_cancellable", "cancelled")
    _release(session, appointment, now)
    session.commit()
    logger.info("Cancelled appointment %s for patient %s", appointment.id, patient.id)
    return appointment


def reschedule(session: Session, patient: Patient, appointment_id: int, slot_id: str,
               now: dt.datetime, lead: dt.timedelta = dt.timedelta(0)) -> Appointment:
    """Move an appointment to `slot_id` and return the new appointment; the caller commits.

    The old appointment becomes `cancelled` with `rescheduled_to_id` set. Raises ApiError 404
    `appointment_not_found`, 409 `not_reschedulable` when it is not booked or has started, the
    errors of `resolve_slot`, and 409 `slot_taken`. On any error nothing changes.
    """
    old = get_patient_appointment(session, patient, appointment_id, for_update=True)
    _check_changeable(old, now, "not_reschedulable", "rescheduled")
    slot = resolve_slot(session, patient, slot_id, now, lead)

    # The old claims go first, so the new time may overlap the old one.
    _release(session, old, now)
    session.flush()
    new = _new_appointment(patient, slot, now)
    new.rescheduled_from_id = old.id
    _insert_with_claims(session, new, slot_id)
    old.rescheduled_to_id = new.id
    session.flush()
    return new


def _new_appointment(patient: Patient, slot: Slot, now: dt.datetime) -> Appointment:
    return Appointment(
        organization_id=patient.organization_id,
        patient_id=patient.id,
        provider=slot.provider,
        site=slot.site,
        appointment_type=slot.appointment_type,
        start_at=slot.start,
        end_at=slot.end,
        status="booked",
        created_at=now,
    )


def _insert_with_claims(session: Session, appointment: Appointment, slot_id: str) -> None:
    """Flush the appointment and its claims; on a claim conflict roll back and raise 409."""
    try:
        session.add(appointment)
        session.flush()
        session.add_all(
            SlotClaim(provider_id=appointment.provider_id, unit_start=unit,
                      appointment_id=appointment.id)
            for unit in claim_units(appointment.start_at, appointment.end_at)
        )
        session.flush()
    except IntegrityError:
        session.rollback()
        logger.info("Slot %s was already taken", slot_id)
        raise ApiError(409, "slot_taken", f"Slot {slot_id} is already booked. "
                       "Search GET /v1/slots again and choose another time.", "slot_id") from None


def _check_changeable(appointment: Appointment, now: dt.datetime, code: str, verb: str) -> None:
    if appointment.status != "booked":
        raise ApiError(409, code, f"Appointment {appointment.id} is {appointment.status}, so it "
                       f"cannot be {verb}. Only booked appointments can.", "appointment_id")
    if appointment.start_at <= now:
        raise ApiError(409, code, f"Appointment {appointment.id} has already started, so it "
                       f"cannot be {verb}. Call the clinic instead.", "appointment_id")


def _release(session: Session, appointment: Appointment, now: dt.datetime) -> None:
    appointment.status = "cancelled"
    appointment.cancelled_at = now
    session.execute(delete(SlotClaim).where(SlotClaim.appointment_id == appointment.id))
