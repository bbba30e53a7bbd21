"""ORM models of the scheduling service (SQLAlchemy 2 typed mappings).

All instants are stored in UTC (see `UTCDateTime`). Availability templates and exceptions are in
the site's local time, because a weekly 9:00 opening stays 9:00 local across DST changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

CLAIM_UNIT_MINUTES = 5
"""Granularity of `SlotClaim`; every appointment duration must be a multiple of it."""


def utc_now() -> dt.datetime:
    """Return the current time as an aware UTC datetime."""
    return dt.datetime.now(dt.timezone.utc)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetime stored as naive UTC, so SQLite and PostgreSQL behave the same.

    Binding a naive datetime raises ValueError, because its zone would be a guess.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware datetime")
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc)


class Base(DeclarativeBase):
    """Declarative base of every scheduling table."""


provider_sites = Table(
    "provider_sites",
    Base.metadata,
    Column("provider_id", ForeignKey("providers.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
)

provider_appointment_types = Table(
    "provider_appointment_types",
    Base.metadata,
    Column("provider_id", ForeignKey("providers.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "appointment_type_id",
        ForeignKey("appointment_types.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)


class Organization(Base):
    """Tenant: a clinic group whose data no other organization's tokens can reach."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class Site(Base):
    """Clinic location with its IANA time zone, such as America/Denver."""

    __tablename__ = "sites"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(300))
    time_zone: Mapped[str] = mapped_column(String(64))


class AppointmentType(Base):
    """Kind of visit with its duration in minutes and the words patients use for it."""

    __tablename__ = "appointment_types"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)


class Provider(Base):
    """Clinician who works at one or more sites and offers some appointment types."""

    __tablename__ = "providers"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200))
    specialty: Mapped[str] = mapped_column(String(100), index=True)

    sites: Mapped[list[Site]] = relationship(secondary=provider_sites, order_by="Site.id")
    appointment_types: Mapped[list[AppointmentType]] = relationship(
        secondary=provider_appointment_types, order_by="AppointmentType.id"
    )


class AvailabilityTemplate(Base):
    """Weekly opening of a provider at a site: weekday (0 is Monday) and local start and end."""

    __tablename__ = "availability_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    start_time: Mapped[dt.time] = mapped_column(Time)
    end_time: Mapped[dt.time] = mapped_column(Time)
    valid_from: Mapped[dt.date | None] = mapped_column(Date, default=None)
    valid_until: Mapped[dt.date | None] = mapped_column(Date, default=None)

    provider: Mapped[Provider] = relationship()
    site: Mapped[Site] = relationship()


class AvailabilityException(Base):
    """Closed local date range, both ends included: a site holiday or a provider's time off.

    A row with `site_id` set closes the site for every provider; a row with `provider_id` set
    closes that provider at every site.
    """

    __tablename__ = "availability_exceptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), default=None)
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), default=None)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")


class Patient(Base):
    """Patient of one organization; every field but the ids is PHI and must not be logged."""

    __tablename__ = "patients"
    __table_args__ = (UniqueConstraint("organization_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[dt.date] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(String(32))
    email: Mapped[str] = mapped_column(String(254), index=True)
    preferred_channel: Mapped[str] = mapped_column(String(8), default="web")
    preferred_language: Mapped[str] = mapped_column(String(8), default="en")
    home_site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), default=None)


class Appointment(Base):
    """Booked visit; a reschedule cancels the old row and links both rows to each other."""

    __tablename__ = "appointments"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    appointment_type_id: Mapped[int] = mapped_column(ForeignKey("appointment_types.id"))
    start_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    end_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="booked")
    rescheduled_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id"), default=None
    )
    rescheduled_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id"), default=None
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)

    provider: Mapped[Provider] = relationship()
    site: Mapped[Site] = relationship()
    appointment_type: Mapped[AppointmentType] = relationship()


class SlotClaim(Base):
    """One CLAIM_UNIT_MINUTES unit of a provider's time taken by a booked appointment.

    The unique constraint on (provider_id, unit_start) makes the database reject any overlap,
    whatever the durations of the two appointments and whichever transaction commits first.
    """

    __tablename__ = "slot_claims"
    __table_args__ = (UniqueConstraint("provider_id", "unit_start", name="uq_slot_claim_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    unit_start: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), index=True
    )


class Escalation(Base):
    """Request for a human to take over a conversation; `summary` may contain PHI."""

    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    conversation_id: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(String(500))
    priority: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(8))
    summary: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    claimed_by_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id"), default=None
    )
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)


class IdempotencyRecord(Base):
    """Stored response of a request made with an Idempotency-Key, per patient and key."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("patient_id", "key", name="uq_idempotency_patient_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    key: Mapped[str] = mapped_column(String(128))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)


# The account tables share this metadata; importing them here keeps Base.metadata complete for
# Alembic and for code that only imports this module.
from scheduling import account_models  # noqa: E402,F401
from scheduling import sms_models  # noqa: E402,F401
