"""Service endpoints of the SMS channel: identity, consent and reminders (`/v1/sms/...`).

Only the SMS channel calls them, with `Authorization: Bearer <SMS_CHANNEL_SECRET>`; every other
caller gets 401 `invalid_channel_credential`. Identity answers never say whether a number is on
file: every failure is the same 401 `identity_not_verified`, and failures are limited per number
(429 `too_many_attempts`). Events carry ids only.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from scheduling.config import Settings
from scheduling.deps import NowDep, SessionDep, SettingsDep
from scheduling.errors import ApiError
from scheduling.events import emit
from scheduling.models import Appointment, Patient
from scheduling.schemas import ErrorOut, TokenResponse
from scheduling.security import issue_patient_token
from scheduling.sms_identity import (
    PhoneLimiter,
    check_code,
    is_opted_out,
    issue_code,
    match_patient,
    normalize_phone,
    patients_on_phone,
    sms_organization,
)
from scheduling.sms_models import SmsConsentChange, SmsReminder
from scheduling.sms_reminders import claim_due, latest_reminder, record_result
from scheduling.sms_schemas import (
    CodeCheck,
    CodeIssued,
    CodeRequest,
    ConsentChange,
    ConsentState,
    DateOfBirthCheck,
    PhoneOnly,
    ReminderClaim,
    ReminderList,
    ReminderLookup,
    ReminderOut,
    ReminderReply,
    ReminderResult,
)
from scheduling.sms_settings import SmsChannelDep, SmsServiceSettings, SmsSettingsDep

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/sms", tags=["sms"], dependencies=[SmsChannelDep],
                   responses={code: {"model": ErrorOut} for code in (401, 422)})

NOT_VERIFIED_MESSAGE = ("The details do not verify a patient for this number. Ask the texter "
                        "again, or offer a one-time code.")


def _phone(raw: str) -> str:
    phone = normalize_phone(raw)
    if phone is None:
        raise ApiError(422, "invalid_request", "phone is not a valid number; send 10 digits or "
                       "E.164 such as +14085550101", field="phone")
    return phone


def _limiter(request: Request, settings: SmsServiceSettings) -> PhoneLimiter:
    return PhoneLimiter(request.app.state.throttle.store, settings)


def _verified(patient: Patient, method: str, settings: Settings) -> TokenResponse:
    token = issue_patient_token(patient.id, patient.organization_id, settings)
    emit("sms.identity_verified", patient_id=patient.id, method=method)
    return TokenResponse(access_token=token, expires_in=settings.token_ttl_seconds,
                         patient_id=patient.id)


def _not_verified(limiter: PhoneLimiter, purpose: str, phone: str, now: dt.datetime,
                  method: str) -> ApiError:
    limiter.fail(purpose, phone, now)
    emit("sms.identity_failed", method=method)
    return ApiError(401, "identity_not_verified", NOT_VERIFIED_MESSAGE)


@router.post("/identity/date-of-birth", response_model=TokenResponse,
             responses={429: {"model": ErrorOut}})
def verify_date_of_birth(body: DateOfBirthCheck, request: Request, session: SessionDep,
                         settings: SettingsDep, sms_settings: SmsSettingsDep,
                         now: NowDep) -> TokenResponse:
    """Issue a patient token when exactly one patient on the number has this date of birth.

    On a shared number the first name decides between patients. 401 `identity_not_verified`
    for every failure; 429 while the number is locked.
    """
    phone = _phone(body.phone)
    limiter = _limiter(request, sms_settings)
    limiter.check("identity", phone, now)
    organization_id = sms_organization(session, sms_settings)
    candidates = patients_on_phone(session, organization_id, phone)
    patient = match_patient(candidates, body.date_of_birth, body.first_name)
    if patient is None:
        raise _not_verified(limiter, "identity", phone, now, "date_of_birth")
    limiter.reset("identity", phone)
    return _verified(patient, "date_of_birth", settings)


@router.post("/identity/codes", response_model=CodeIssued, responses={429: {"model": ErrorOut}})
def request_code(body: CodeRequest, request: Request, session: SessionDep,
                 sms_settings: SmsSettingsDep, now: NowDep) -> CodeIssued:
    """Create a 6-digit code for the channel to text to the number, and return it.

    Every request returns a code, so the answer is the same for unknown numbers; their codes
    never verify. Requests count against the number's limit (429 when locked).
    """
    phone = _phone(body.phone)
    limiter = _limiter(request, sms_settings)
    limiter.check("code_request", phone, now)
    limiter.fail("code_request", phone, now)
    organization_id = sms_organization(session, sms_settings)
    code, row = issue_code(session, organization_id, phone, body.first_name, now, sms_settings)
    session.commit()
    emit("sms.code_issued", code_id=row.id)
    return CodeIssued(phone=phone, code=code, expires_in=sms_settings.code_ttl_seconds)


@router.post("/identity/codes/verify", response_model=TokenResponse,
             responses={429: {"model": ErrorOut}})
def verify_code(body: CodeCheck, request: Request, session: SessionDep, settings: SettingsDep,
                sms_settings: SmsSettingsDep, now: NowDep) -> TokenResponse:
    """Issue a patient token for the newest live code of the number; 401 for any failure."""
    phone = _phone(body.phone)
    limiter = _limiter(request, sms_settings)
    limiter.check("identity", phone, now)
    organization_id = sms_organization(session, sms_settings)
    patient = check_code(session, organization_id, phone, body.code, now, sms_settings)
    session.commit()
    if patient is None:
        raise _not_verified(limiter, "identity", phone, now, "one_time_code")
    limiter.reset("identity", phone)
    limiter.reset("code_request", phone)
    return _verified(patient, "one_time_code", settings)


@router.post("/consent", response_model=ConsentState)
def change_consent(body: ConsentChange, session: SessionDep, sms_settings: SmsSettingsDep,
                   now: NowDep) -> ConsentState:
    """Record an opt-out or opt-in of a number with its time and source; it applies at once."""
    phone = _phone(body.phone)
    organization_id = sms_organization(session, sms_settings)
    row = SmsConsentChange(organization_id=organization_id, phone=phone,
                           opted_out=body.opted_out, source=body.source,
                           keyword=body.keyword, message_sid=body.message_sid, recorded_at=now)
    session.add(row)
    session.commit()
    emit("sms.consent_changed", consent_change_id=row.id, opted_out=body.opted_out,
         source=body.source, message_sid=body.message_sid)
    return ConsentState(opted_out=row.opted_out, recorded_at=row.recorded_at)


@router.post("/consent/status", response_model=ConsentState)
def consent_status(body: PhoneOnly, session: SessionDep, sms_settings: SmsSettingsDep) -> ConsentState:
    """Return whether the number has opted out of texts."""
    phone = _phone(body.phone)
    organization_id = sms_organization(session, sms_settings)
    return ConsentState(opted_out=is_opted_out(session, organization_id, phone))


def _reminder_out(reminder: SmsReminder, appointment: Appointment, patient: Patient) -> ReminderOut:
    zone = appointment.site.time_zone
    return ReminderOut(
        reminder_id=reminder.id, appointment_id=appointment.id, patient_id=patient.id,
        phone=reminder.phone, language=patient.preferred_language or "en", window=reminder.window,
        start=appointment.start_at.astimezone(ZoneInfo(zone)), time_zone=zone,
        site_name=appointment.site.name)


@router.post("/reminders/claim", response_model=ReminderList)
def claim_reminders(body: ReminderClaim, session: SessionDep, sms_settings: SmsSettingsDep,
                    now: NowDep) -> ReminderList:
    """Claim the reminders due at `as_of` for opted-in SMS patients; each is returned once."""
    if body.as_of is not None and body.as_of.tzinfo is None:
        raise ApiError(422, "invalid_request", "as_of needs a UTC offset, such as "
                       "2026-12-08T09:00:00Z", field="as_of")
    organization_id = sms_organization(session, sms_settings)
    claimed = claim_due(session, organization_id, body.as_of or now)
    emit("sms.reminders_claimed", count=len(claimed))
    return ReminderList(reminders=[_reminder_out(item.reminder, item.appointment, item.patient)
                                   for item in claimed])


def _reminder(session: Session, sms_settings: SmsServiceSettings, reminder_id: int) -> SmsReminder:
    organization_id = sms_organization(session, sms_settings)
    reminder = session.get(SmsReminder, reminder_id)
    if reminder is None or reminder.organization_id != organization_id:
        raise ApiError(404, "reminder_not_found", f"No reminder has id {reminder_id}.")
    return reminder


@router.post("/reminders/{reminder_id}/result", status_code=204,
             responses={404: {"model": ErrorOut}})
def report_result(reminder_id: int, body: ReminderResult, session: SessionDep,
                  sms_settings: SmsSettingsDep, now: NowDep) -> None:
    """Mark a claimed reminder sent or failed; a failed one may be claimed again later."""
    reminder = _reminder(session, sms_settings, reminder_id)
    record_result(reminder, body.sent, body.provider_message_id, now)
    session.commit()
    emit("sms.reminder_sent" if body.sent else "sms.reminder_failed", reminder_id=reminder.id,
         appointment_id=reminder.appointment_id, patient_id=reminder.patient_id)


@router.post("/reminders/latest", response_model=ReminderLookup)
def find_latest_reminder(body: PhoneOnly, session: SessionDep, sms_settings: SmsSettingsDep,
                         now: NowDep) -> ReminderLookup:
    """Return the newest reminder sent to the number for an appointment still ahead, or null."""
    phone = _phone(body.phone)
    organization_id = sms_organization(session, sms_settings)
    found = latest_reminder(session, organization_id, phone, now)
    if found is None:
        return ReminderLookup(reminder=None)
    reminder, appointment = found
    patient = session.get(Patient, reminder.patient_id)
    assert patient is not None
    return ReminderLookup(reminder=_reminder_out(reminder, appointment, patient))


@router.post("/reminders/{reminder_id}/reply", status_code=204,
             responses={404: {"model": ErrorOut}})
def record_reply(reminder_id: int, body: ReminderReply, session: SessionDep,
                 sms_settings: SmsSettingsDep, now: NowDep) -> None:
    """Record the verified patient's answer (confirmed, reschedule or cancel) to a reminder."""
    reminder = _reminder(session, sms_settings, reminder_id)
    reminder.response, reminder.responded_at = body.action, now
    session.commit()
    emit("sms.reminder_answered", reminder_id=reminder.id, appointment_id=reminder.appointment_id,
         patient_id=reminder.patient_id, action=body.action)

