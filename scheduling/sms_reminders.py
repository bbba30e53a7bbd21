"""Appointment reminders by SMS: which are due, claiming them once, and the patient's reply.

A reminder is due 72 hours and again 24 hours before a booked appointment, for patients whose
preferred channel is SMS and whose number has not opted out. An appointment less than 24 hours
away gets only the 24-hour reminder. Claiming inserts a row under a unique constraint on
(appointment, window), so two jobs running at once never send the same reminder.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from scheduling.models import Appointment, Patient
from scheduling.sms_identity import normalize_phone, opted_out_phones
from scheduling.sms_models import SmsReminder

logger = logging.getLogger(__name__)

WINDOW_HOURS = {"72h": 72, "24h": 24}
MAX_SEND_ATTEMPTS = 3
REPLY_ACTIONS = ("confirmed", "reschedule", "cancel")


@dataclass(frozen=True)
class ClaimedReminder:
    """A reminder this job must send now, with what the message may contain."""

    reminder: SmsReminder
    appointment: Appointment
    patient: Patient


def window_for(start: dt.datetime, now: dt.datetime) -> str | None:
    """Return the reminder window `start` falls in at `now`, or None when none applies."""
    ahead = start - now
    if ahead <= dt.timedelta(0):
        return None
    if ahead <= dt.timedelta(hours=WINDOW_HOURS["24h"]):
        return "24h"
    if ahead <= dt.timedelta(hours=WINDOW_HOURS["72h"]):
        return "72h"
    return None


def claim_due(session: Session, organization_id: int, now: dt.datetime) -> list[ClaimedReminder]:
    """Claim every reminder due at `now` and commit; return them for sending.

    A reminder that failed to send is claimed again, up to MAX_SEND_ATTEMPTS times. A claimed
    reminder whose outcome was never reported stays claimed and is not sent again.
    """
    horizon = now + dt.timedelta(hours=WINDOW_HOURS["72h"])
    rows = session.execute(
        select(Appointment, Patient)
        .join(Patient, Patient.id == Appointment.patient_id)
        .where(Appointment.organization_id == organization_id, Appointment.status == "booked",
               Appointment.start_at > now, Appointment.start_at <= horizon,
               Patient.preferred_channel == "sms")
        .order_by(Appointment.start_at, Appointment.id)
    ).all()
    opted_out = opted_out_phones(session, organization_id)
    claimed: list[ClaimedReminder] = []
    for appointment, patient in rows:
        phone = normalize_phone(patient.phone)
        window = window_for(appointment.start_at, now)
        if phone is None or phone in opted_out or window is None:
            continue
        reminder = _claim(session, organization_id, appointment, patient, phone, window, now)
        if reminder is not None:
            claimed.append(ClaimedReminder(reminder, appointment, patient))
    session.commit()
    return claimed


def _claim(session: Session, organization_id: int, appointment: Appointment, patient: Patient,
           phone: str, window: str, now: dt.datetime) -> SmsReminder | None:
    existing = session.scalar(select(SmsReminder).where(
        SmsReminder.appointment_id == appointment.id, SmsReminder.window == window))
    if existing is not None:
        if existing.status != "failed" or existing.attempts >= MAX_SEND_ATTEMPTS:
            return None
        existing.status, existing.attempts, existing.claimed_at = "claimed", existing.attempts + 1, now
        existing.phone = phone
        return existing
    reminder = SmsReminder(organization_id=organization_id, appointment_id=appointment.id,
                           patient_id=patient.id, phone=phone, window=window, claimed_at=now)
    try:
        with session.begin_nested():
            session.add(reminder)
    except IntegrityError:
        logger.info("Reminder of appointment %s (%s) was claimed by another job", appointment.id,
                    window)
        return None
    return reminder


def record_result(reminder: SmsReminder, sent: bool, provider_message_id: str | None,
                  now: dt.datetime) -> None:
    """Mark a claimed reminder sent or failed."""
    reminder.status = "sent" if sent else "failed"
    reminder.provider_message_id = provider_message_id
    reminder.sent_at = now if sent else None


def latest_reminder(session: Session, organization_id: int, phone: str,
                    now: dt.datetime) -> tuple[SmsReminder, Appointment] | None:
    """Return the newest sent reminder to `phone` whose appointment is still booked and ahead."""
    row = session.execute(
        select(SmsReminder, Appointment)
        .join(Appointment, Appointment.id == SmsReminder.appointment_id)
        .where(SmsReminder.organization_id == organization_id, SmsReminder.phone == phone,
               SmsReminder.status == "sent", Appointment.status == "booked",
               Appointment.start_at > now)
        .order_by(SmsReminder.sent_at.desc(), SmsReminder.id.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else None
