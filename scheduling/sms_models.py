"""ORM models of the SMS channel: consent changes, one-time codes and sent reminders.

Phone numbers are stored normalized to E.164 (`+14085550101`) so a texted number and a patient's
stored number compare equal. They are PHI and must not be logged. One-time codes are stored as
SHA-256 digests only.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from scheduling.models import Base, UTCDateTime, utc_now


class SmsConsentChange(Base):
    """One opt-out or opt-in of a phone number; the newest row per number is its current state.

    Rows are never updated or deleted, so the table is the consent history that carrier rules
    and audits ask for: what changed, when, and through which source.
    """

    __tablename__ = "sms_consent_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    opted_out: Mapped[bool] = mapped_column()
    source: Mapped[str] = mapped_column(String(32))
    keyword: Mapped[str | None] = mapped_column(String(16), default=None)
    message_sid: Mapped[str | None] = mapped_column(String(64), default=None)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)


class SmsOneTimeCode(Base):
    """A 6-digit code texted to a number; it verifies `patient_id` until expiry or use.

    `patient_id` is None for a number that matched no single patient: such a code is stored and
    counted like any other, so requesting one reveals nothing, but it never verifies anyone.
    """

    __tablename__ = "sms_one_time_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"),
                                                   default=None)
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)


class SmsReminder(Base):
    """Reminder of one appointment for one window ("72h" or "24h"); at most one row per pair.

    `status` is `claimed` while a job sends it, then `sent` or `failed`. Only `failed` rows may be
    claimed again, so a reminder whose send outcome is unknown is never sent twice. `response`
    is the patient's reply: `confirmed`, `reschedule` or `cancel`.
    """

    __tablename__ = "sms_reminders"
    __table_args__ = (UniqueConstraint("appointment_id", "window", name="uq_sms_reminder_window"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    phone: Mapped[str] = mapped_column(String(20), index=True)
    window: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="claimed")
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    provider_message_id: Mapped[str | None] = mapped_column(String(64), default=None)
    claimed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    response: Mapped[str | None] = mapped_column(String(16), default=None)
    responded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
