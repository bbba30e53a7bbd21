"""ORM models of sign-in: staff accounts, patient credentials, recovery codes and break-glass.

Password hashes are argon2id strings. TOTP secrets are stored encrypted (`scheduling.auth.crypto`),
recovery codes as SHA-256 digests. None of these columns may be logged or returned.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduling.models import Base, Site, UTCDateTime, utc_now

STAFF_ROLES = ("front_desk", "clinician", "billing", "admin", "compliance")
"""Every staff role; `patient` is the only other role, and belongs to patient sessions."""

staff_sites = Table(
    "staff_sites",
    Base.metadata,
    Column("staff_id", ForeignKey("staff_members.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
)


class StaffMember(Base):
    """Staff account of one organization, limited to its sites unless its role is tenant-wide."""

    __tablename__ = "staff_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(String(200), default=None)
    totp_secret: Mapped[str | None] = mapped_column(Text, default=None)
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int | None] = mapped_column(Integer, default=None)
    oidc_subject: Mapped[str | None] = mapped_column(String(255), unique=True, default=None)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)

    sites: Mapped[list[Site]] = relationship(secondary=staff_sites, order_by="Site.id")


class PatientCredential(Base):
    """Portal password and optional TOTP of one patient."""

    __tablename__ = "patient_credentials"

    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"),
                                            primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret: Mapped[str | None] = mapped_column(Text, default=None)
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int | None] = mapped_column(Integer, default=None)


class RecoveryCode(Base):
    """Single-use MFA recovery code of a staff member or patient, stored as a SHA-256 digest."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("account_kind", "account_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_kind: Mapped[str] = mapped_column(String(8))
    account_id: Mapped[int] = mapped_column(Integer, index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)


class BreakGlassGrant(Base):
    """Time-limited elevation of one staff session, with the reason the staff member typed."""

    __tablename__ = "break_glass_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"), index=True)
    session_ref: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(1000))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
