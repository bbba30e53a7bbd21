"""Accounts that can sign in: staff members and patients with a portal password.

`Account` gives both kinds one interface for passwords, TOTP and recovery codes, so the sign-in
and MFA routes do not branch on the kind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduling.account_models import PatientCredential, RecoveryCode, StaffMember
from scheduling.auth import totp
from scheduling.auth.crypto import decrypt_secret, encrypt_secret
from scheduling.auth.passwords import verify_password
from scheduling.config import Settings
from scheduling.models import Patient
from scheduling.sessions.service import SessionRecord

MAX_PATIENTS_PER_EMAIL = 5


@dataclass
class Account:
    """A staff row or a patient's credential row, seen through one interface."""

    kind: str
    row: StaffMember | PatientCredential
    organization_id: int
    role: str
    label: str

    @property
    def id(self) -> int:
        """The staff id or the patient id."""
        return self.row.id if isinstance(self.row, StaffMember) else self.row.patient_id

    def check_password(self, password: str, settings: Settings) -> bool:
        """Return True when `password` matches; always spends one argon2 verification."""
        return verify_password(self.row.password_hash, password, settings)

    def totp_secret(self, settings: Settings) -> str | None:
        """Return the decrypted TOTP secret, enrolled or pending, or None."""
        if not self.row.totp_secret:
            return None
        assert settings.token_secret is not None
        return decrypt_secret(self.row.totp_secret, settings.token_secret)

    def set_totp_secret(self, secret: str, settings: Settings) -> None:
        """Store a new pending (not yet enabled) TOTP secret, encrypted."""
        assert settings.token_secret is not None
        self.row.totp_secret = encrypt_secret(secret, settings.token_secret)
        self.row.totp_enabled = False
        self.row.totp_last_step = None

    def check_totp(self, code: str, settings: Settings, now: dt.datetime) -> bool:
        """Return True for a current, unused code, and record its step against replay."""
        secret = self.totp_secret(settings)
        if secret is None:
            return False
        step = totp.verify_code(secret, code, self.row.totp_last_step, now.timestamp())
        if step is None:
            return False
        self.row.totp_last_step = step
        return True

    def replace_recovery_codes(self, session: Session) -> list[str]:
        """Delete old recovery codes, store digests of new ones and return the plain codes."""
        for old in session.scalars(select(RecoveryCode).where(
                RecoveryCode.account_kind == self.kind, RecoveryCode.account_id == self.id)):
            session.delete(old)
        codes = totp.new_recovery_codes()
        session.add_all(RecoveryCode(account_kind=self.kind, account_id=self.id,
                                     code_hash=totp.hash_recovery_code(code)) for code in codes)
        return codes

    def use_recovery_code(self, session: Session, code: str, now: dt.datetime) -> bool:
        """Mark an unused matching recovery code as used; return whether one matched."""
        row = session.scalar(select(RecoveryCode).where(
            RecoveryCode.account_kind == self.kind, RecoveryCode.account_id == self.id,
            RecoveryCode.code_hash == totp.hash_recovery_code(code),
            RecoveryCode.used_at.is_(None)))
        if row is None:
            return False
        row.used_at = now
        return True


def staff_account(row: StaffMember) -> Account:
    """Wrap a staff row."""
    return Account("staff", row, row.organization_id, row.role, row.email)


def find_staff(session: Session, email: str) -> Account | None:
    """Return the active staff account with this email (case-insensitive), or None."""
    row = session.scalar(select(StaffMember).where(
        func.lower(StaffMember.email) == email.strip().lower(), StaffMember.is_active))
    return staff_account(row) if row else None


def find_patients(session: Session, email: str) -> list[Account]:
    """Return patient accounts with this email and a portal password, at most five.

    Emails are unique per organization only, so one email may sign in to several clinics.
    """
    rows = session.execute(
        select(Patient, PatientCredential)
        .join(PatientCredential, PatientCredential.patient_id == Patient.id)
        .where(func.lower(Patient.email) == email.strip().lower())
        .order_by(Patient.id).limit(MAX_PATIENTS_PER_EMAIL)
    ).all()
    return [Account("patient", credential, patient.organization_id, "patient", patient.email)
            for patient, credential in rows]


def account_of(session: Session, record: SessionRecord) -> Account | None:
    """Return the account a session belongs to, or None when it is gone or disabled."""
    if record.kind == "staff":
        row = session.get(StaffMember, record.account_id)
        return staff_account(row) if row is not None and row.is_active else None
    patient = session.get(Patient, record.account_id)
    credential = session.get(PatientCredential, record.account_id)
    if patient is None or credential is None:
        return None
    return Account("patient", credential, patient.organization_id, "patient", patient.email)
