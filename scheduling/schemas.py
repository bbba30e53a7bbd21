"""Request and response bodies of the API (pydantic), kept apart from the ORM models."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_PATTERN = re.compile(r"^\d{2}:\d{2}$")


def parse_iso_date(value: object) -> object:
    """Parse `YYYY-MM-DD` strictly; raise ValueError for other shapes or impossible dates."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not DATE_PATTERN.match(value):
        raise ValueError("expected a date as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError("no such calendar date") from None


def parse_local_time(value: object) -> object:
    """Parse a 24-hour `HH:MM`; raise ValueError for other shapes or impossible times."""
    if isinstance(value, dt.time):
        return value
    if not isinstance(value, str) or not TIME_PATTERN.match(value):
        raise ValueError("expected a time as HH:MM")
    hours, minutes = int(value[:2]), int(value[3:])
    if hours > 23 or minutes > 59:
        raise ValueError("no such time of day")
    return dt.time(hours, minutes)


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


def _single_line(value: str) -> str:
    # PostgreSQL cannot store NUL, and no single-line field needs control characters.
    if any(not character.isprintable() for character in value):
        raise ValueError("must not contain control characters or line breaks")
    return value


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(parse_iso_date)]
LocalTime = Annotated[dt.time, BeforeValidator(parse_local_time)]
Line = Annotated[str, AfterValidator(_single_line)]
Paragraph = Annotated[str, AfterValidator(_no_nul)]
Text = Annotated[Line, AfterValidator(_not_blank)]
DatabaseId = Annotated[int, Field(ge=1, le=2**31 - 1)]
AppointmentStatus = Literal["booked", "cancelled", "completed", "no_show"]


class StrictModel(BaseModel):
    """Request body that rejects unknown fields, so a misspelt field is reported, not ignored."""

    model_config = ConfigDict(extra="forbid")


class TokenRequest(StrictModel):
    """Demo sign-in: the patient's email and date of birth."""

    email: Annotated[Line, Field(min_length=3, max_length=254)]
    date_of_birth: IsoDate


class TokenResponse(BaseModel):
    """Bearer token for one patient."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    patient_id: int


class PatientOut(BaseModel):
    """The signed-in patient's record."""

    id: int
    organization_id: int
    first_name: str
    last_name: str
    date_of_birth: dt.date
    phone: str
    email: str
    preferred_channel: Literal["web", "sms"]
    preferred_language: Literal["en", "es"]


class SiteOut(BaseModel):
    """Clinic location."""

    id: int
    name: str
    city: str
    address: str
    time_zone: str


class ProviderOut(BaseModel):
    """Clinician with the sites and appointment types they offer."""

    id: int
    name: str
    display_name: str
    specialty: str
    site_ids: list[int]
    appointment_type_ids: list[int]


class AppointmentTypeOut(BaseModel):
    """Kind of visit and the words patients use for it."""

    id: int
    name: str
    duration_minutes: int
    aliases: list[str]


class DirectoryOut(BaseModel):
    """Everything a patient can choose from in their organization."""

    sites: list[SiteOut]
    providers: list[ProviderOut]
    appointment_types: list[AppointmentTypeOut]


class SlotQuery(StrictModel):
    """Filters of GET /v1/slots; dates are local to each site, times are local HH:MM."""

    provider_id: DatabaseId | None = None
    specialty: Annotated[Line, Field(min_length=1, max_length=100)] | None = None
    appointment_type_id: DatabaseId | None = None
    site_id: DatabaseId | None = None
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    time_of_day: Literal["morning", "afternoon", "evening"] | None = None
    after: LocalTime | None = None
    before: LocalTime | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 20


class SlotOut(BaseModel):
    """Open time that can be booked with its `slot_id`."""

    slot_id: str
    provider_id: int
    provider_name: str
    site_id: int
    site_name: str
    appointment_type_id: int
    appointment_type_name: str
    start: dt.datetime
    end: dt.datetime
    time_zone: str


class SlotList(BaseModel):
    """Open slots in start order."""

    slots: list[SlotOut]


class SlotRequest(StrictModel):
    """Body of booking and rescheduling."""

    slot_id: Annotated[Line, Field(min_length=1, max_length=100)]


class AppointmentOut(BaseModel):
    """Appointment with times in the site's zone."""

    id: int
    status: AppointmentStatus
    provider_id: int
    provider_name: str
    site_id: int
    site_name: str
    appointment_type_id: int
    appointment_type_name: str
    start: dt.datetime
    end: dt.datetime
    time_zone: str
    rescheduled_from_id: int | None
    rescheduled_to_id: int | None
    created_at: dt.datetime


class AppointmentList(BaseModel):
    """The patient's appointments in start order."""

    appointments: list[AppointmentOut]


class EscalationCreate(StrictModel):
    """Request for a human; `summary` may contain PHI and is never logged."""

    conversation_id: Annotated[Text, Field(min_length=1, max_length=128)]
    reason: Annotated[Text, Field(min_length=1, max_length=500)]
    priority: Literal["urgent", "normal"]
    channel: Literal["web", "sms", "cli"]
    summary: Annotated[Paragraph, Field(max_length=4000)]


class EscalationOut(BaseModel):
    """Stored escalation."""

    id: int
    conversation_id: str
    reason: str
    priority: Literal["urgent", "normal"]
    channel: Literal["web", "sms", "cli"]
    summary: str
    status: Literal["open", "claimed", "resolved", "handed_back"]
    created_at: dt.datetime


class ErrorDetail(BaseModel):
    """Error code, a message with the fix, and the field concerned if any."""

    code: str
    message: str
    field: str | None


class ErrorOut(BaseModel):
    """Body of every error response."""

    error: ErrorDetail
