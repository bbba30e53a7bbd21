"""Request and response bodies of the SMS channel's service endpoints (`/v1/sms/...`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from scheduling.schemas import IsoDate, Line, StrictModel

Phone = Annotated[Line, Field(min_length=7, max_length=32, description="Texting number; any common format")]
FirstName = Annotated[Line, Field(min_length=1, max_length=100)]


class DateOfBirthCheck(StrictModel):
    """A texter's claim: this number, this date of birth and, for shared numbers, a first name."""

    phone: Phone
    date_of_birth: IsoDate
    first_name: FirstName | None = None


class CodeRequest(StrictModel):
    """Ask for a one-time code for a number; `first_name` picks the patient on a shared number."""

    phone: Phone
    first_name: FirstName | None = None


class CodeIssued(BaseModel):
    """Code for the channel to text to `phone`; returned whether or not the number is on file."""

    phone: str
    code: str
    expires_in: int


class CodeCheck(StrictModel):
    """A code the texter sent back."""

    phone: Phone
    code: Annotated[str, Field(pattern=r"^\d{6}$")]


class PhoneOnly(StrictModel):
    """A texting number."""

    phone: Phone


class ConsentChange(StrictModel):
    """Opt a number out of (or back into) every text; `source` says where the change came from."""

    phone: Phone
    opted_out: bool
    source: Literal["sms_keyword", "staff", "portal"]
    keyword: Annotated[Line, Field(max_length=16)] | None = None
    message_sid: Annotated[str, Field(pattern=r"^[A-Za-z0-9]{2,64}$")] | None = None


class ConsentState(BaseModel):
    """Current consent of a number; `recorded_at` is None when it never changed."""

    opted_out: bool
    recorded_at: dt.datetime | None = None


class ReminderClaim(StrictModel):
    """Claim the reminders due at `as_of` (default: now)."""

    as_of: dt.datetime | None = None


class ReminderOut(BaseModel):
    """A reminder to send. It carries no provider, visit type or reason (minimum necessary)."""

    reminder_id: int
    appointment_id: int
    patient_id: int
    phone: str
    language: str
    window: str
    start: dt.datetime
    time_zone: str
    site_name: str


class ReminderList(BaseModel):
    reminders: list[ReminderOut]


class ReminderLookup(BaseModel):
    """The newest reminder sent to a number whose appointment is still ahead, if any."""

    reminder: ReminderOut | None


class ReminderResult(StrictModel):
    """Outcome of sending a claimed reminder."""

    sent: bool
    provider_message_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{1,64}$")] | None = None


class ReminderReply(StrictModel):
    """The patient's verified answer to a reminder."""

    action: Literal["confirmed", "reschedule", "cancel"]
