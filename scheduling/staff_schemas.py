"""Request and response bodies of the staff and admin endpoints."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator

from scheduling.auth.passwords import check_password_strength
from scheduling.auth.schemas import Email
from scheduling.schemas import DatabaseId, Line, Text, StrictModel

StaffRole = Literal["front_desk", "clinician", "billing", "admin", "compliance"]
MIN_REASON_CHARS = 20


class StaffPatientOut(BaseModel):
    """Patient as staff see them; `masked` is true when DOB, phone and email are masked."""

    id: int
    first_name: str
    last_name: str
    date_of_birth: str
    phone: str
    email: str
    home_site_id: int | None
    masked: bool


class StaffPatientList(BaseModel):
    """Patients in the caller's scope, by last name, always masked."""

    patients: list[StaffPatientOut]


class StaffEscalationOut(BaseModel):
    """An escalation with its hand-off state; `summary` may contain PHI."""

    id: int
    patient_id: int
    conversation_id: str
    reason: str
    priority: Literal["urgent", "normal"]
    channel: Literal["web", "sms", "cli"]
    summary: str
    status: Literal["open", "claimed", "resolved", "handed_back"]
    created_at: dt.datetime
    claimed_by_staff_id: int | None
    claimed_at: dt.datetime | None
    closed_at: dt.datetime | None


class StaffEscalationList(BaseModel):
    """Escalations in the caller's scope, newest first."""

    escalations: list[StaffEscalationOut]


class BreakGlassRequest(StrictModel):
    """Reason for emergency access, stored for compliance review."""

    reason: Annotated[Text, Field(min_length=MIN_REASON_CHARS, max_length=1000)]


class BreakGlassOut(BaseModel):
    """A started break-glass grant."""

    grant_id: int
    expires_at: dt.datetime


class StaffCreate(StrictModel):
    """A new staff account; the member sets up TOTP at first sign-in."""

    email: Email
    display_name: Annotated[Text, Field(min_length=1, max_length=200)]
    role: StaffRole
    site_ids: Annotated[list[DatabaseId], Field(max_length=100)] = []
    password: Annotated[str, Field(max_length=256)]

    @field_validator("password")
    @classmethod
    def _strong(cls, value: str) -> str:
        check_password_strength(value)
        return value


class RoleChange(StrictModel):
    """New role and sites of a staff member."""

    role: StaffRole
    site_ids: Annotated[list[DatabaseId], Field(max_length=100)]


class StaffOut(BaseModel):
    """A staff account, without secrets."""

    id: int
    email: str
    display_name: str
    role: StaffRole
    site_ids: list[int]
    mfa_enrolled: bool
    is_active: bool
    created_at: dt.datetime


class StaffList(BaseModel):
    """Staff of the caller's organization, by id."""

    staff: list[StaffOut]


class ExportedAppointment(BaseModel):
    """One appointment row of a bulk export: ids, times and status only."""

    id: int
    patient_id: int
    provider_id: int
    site_id: int
    appointment_type_id: int
    start: dt.datetime
    end: dt.datetime
    status: str


class AppointmentExport(BaseModel):
    """Every appointment of the organization in start order."""

    generated_at: dt.datetime
    appointments: list[ExportedAppointment]


SearchText = Annotated[Line, Field(min_length=1, max_length=100)]
