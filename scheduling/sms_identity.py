"""Identity and consent rules of the SMS channel: which patient a texted number may verify as.

A phone number alone identifies nobody, because families share numbers. A texter verifies with
a date of birth (and a first name when the number is shared) or with a one-time code sent to
the number. Every failure looks the same to the caller, and failures are limited per number,
so neither the answers nor their timing say whether a number is on file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import math
import re
import secrets
import unicodedata

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduling.errors import ApiError
from scheduling.models import Organization, Patient
from scheduling.sessions.store import KeyValueStore
from scheduling.sms_models import SmsConsentChange, SmsOneTimeCode
from scheduling.sms_settings import SmsServiceSettings

logger = logging.getLogger(__name__)

CODE_DIGITS = 6
LIMIT_WINDOW_SECONDS = 24 * 3600
LOCKED_MESSAGE = "Too many attempts for this number. Wait {seconds} seconds, then try again."


def normalize_phone(raw: str) -> str | None:
    """Return `raw` in E.164 form (`+14085550101`), or None when it cannot be a phone number.

    Ten digits are read as a North American number. Other numbers must carry a country code.
    """
    digits = re.sub(r"\D", "", raw or "")
    if len(digits) == 10:
        digits = "1" + digits
    if not 11 <= len(digits) <= 15:
        return None
    return "+" + digits


def phone_digest(phone: str) -> str:
    """Return a short SHA-256 digest of a normalized number, for store keys that hold no PHI."""
    return hashlib.sha256(phone.encode()).hexdigest()[:32]


def fold_name(value: str) -> str:
    """Lower-case `value` and drop accents, so "María" and "maria" compare equal."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).strip()


def sms_organization(session: Session, settings: SmsServiceSettings) -> int:
    """Return the organization this SMS number serves; raise 503 `sms_not_configured`.

    SMS_ORGANIZATION_ID decides; when unset, the database must hold exactly one organization.
    """
    if settings.organization_id is not None:
        return settings.organization_id
    ids = session.scalars(select(Organization.id).limit(2)).all()
    if len(ids) != 1:
        raise ApiError(503, "sms_not_configured", "Several organizations exist; set "
                       "SMS_ORGANIZATION_ID to the one whose patients text this number.")
    return ids[0]


def patients_on_phone(session: Session, organization_id: int, phone: str) -> list[Patient]:
    """Return the organization's patients whose stored number normalizes to `phone`."""
    # Stored numbers are free text such as "(408) 555-0101", so SQL narrows by the last four
    # digits and Python compares the normalized forms.
    # NOTE: a number stored with separators inside its last four digits ("555-01-01") is missed.
    rows = session.scalars(
        select(Patient)
        .where(Patient.organization_id == organization_id, Patient.phone.like(f"%{phone[-4:]}"))
        .order_by(Patient.id)
    ).all()
    return [patient for patient in rows if normalize_phone(patient.phone) == phone]


def match_patient(candidates: list[Patient], date_of_birth: dt.date,
                  first_name: str | None) -> Patient | None:
    """Return the one candidate with this date of birth (and first name, when given), else None."""
    matches = [patient for patient in candidates if patient.date_of_birth == date_of_birth]
    if first_name:
        words = set(fold_name(first_name).split())
        matches = [patient for patient in matches if fold_name(patient.first_name) in words]
    return matches[0] if len(matches) == 1 else None


class PhoneLimiter:
    """Failure counter per phone number and purpose, kept in the session store.

    From `phone_failure_limit` failures on, the number is locked for `phone_lock_seconds`, and
    `check` raises 429 `too_many_attempts`. Keys hold a digest of the number, never the number.
    """

    def __init__(self, store: KeyValueStore, settings: SmsServiceSettings) -> None:
        self.store = store
        self.settings = settings

    def _key(self, purpose: str, phone: str) -> str:
        return f"throttle:sms:{purpose}:{phone_digest(phone)}"

    def check(self, purpose: str, phone: str, now: dt.datetime) -> None:
        """Raise ApiError 429 with Retry-After while the number is locked for `purpose`."""
        record = self.store.get(self._key(purpose, phone)) or {}
        wait = record.get("locked_until", 0) - now.timestamp()
        if wait > 0:
            seconds = math.ceil(wait)
            raise ApiError(429, "too_many_attempts", LOCKED_MESSAGE.format(seconds=seconds),
                           headers={"Retry-After": str(seconds)})

    def fail(self, purpose: str, phone: str, now: dt.datetime) -> int:
        """Count one failure and return the count; lock the number once it reaches the limit."""
        key = self._key(purpose, phone)
        record = self.store.get(key) or {"failures": 0, "locked_until": 0}
        record["failures"] += 1
        if record["failures"] >= self.settings.phone_failure_limit:
            record["locked_until"] = now.timestamp() + self.settings.phone_lock_seconds
            record["failures"] = 0
            logger.warning("Locked SMS %s for a number for %s s", purpose,
                           self.settings.phone_lock_seconds)
        self.store.put(key, record, LIMIT_WINDOW_SECONDS)
        return record["failures"]

    def reset(self, purpose: str, phone: str) -> None:
        """Forget the failures of a number after it verified."""
        self.store.delete(self._key(purpose, phone))


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def issue_code(session: Session, organization_id: int, phone: str, first_name: str | None,
               now: dt.datetime, settings: SmsServiceSettings) -> tuple[str, SmsOneTimeCode]:
    """Store a new code for `phone` and return it with its row; earlier codes stop working.

    The code verifies the number's only patient, or the one whose first name is given when
    several share the number. Otherwise it is stored for no patient and never verifies.
    """
    candidates = patients_on_phone(session, organization_id, phone)
    if first_name:
        words = set(fold_name(first_name).split())
        candidates = [patient for patient in candidates if fold_name(patient.first_name) in words]
    patient = candidates[0] if len(candidates) == 1 else None
    for older in session.scalars(select(SmsOneTimeCode).where(
            SmsOneTimeCode.organization_id == organization_id, SmsOneTimeCode.phone == phone,
            SmsOneTimeCode.used_at.is_(None))):
        older.used_at = now
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    row = SmsOneTimeCode(organization_id=organization_id, phone=phone,
                         patient_id=patient.id if patient else None, code_hash=_code_hash(code),
                         created_at=now,
                         expires_at=now + dt.timedelta(seconds=settings.code_ttl_seconds))
    session.add(row)
    session.flush()
    return code, row


def check_code(session: Session, organization_id: int, phone: str, code: str, now: dt.datetime,
               settings: SmsServiceSettings) -> Patient | None:
    """Return the patient that `code` verifies and mark it used; None for any failure.

    A wrong guess counts against the newest live code; after `code_max_attempts` wrong guesses
    that code is spent and a new one must be requested.
    """
    row = session.scalar(
        select(SmsOneTimeCode)
        .where(SmsOneTimeCode.organization_id == organization_id, SmsOneTimeCode.phone == phone,
               SmsOneTimeCode.used_at.is_(None), SmsOneTimeCode.expires_at > now)
        .order_by(SmsOneTimeCode.id.desc()).limit(1))
    if row is None:
        return None
    if not hmac.compare_digest(row.code_hash, _code_hash(code)):
        row.attempts += 1
        if row.attempts >= settings.code_max_attempts:
            row.used_at = now
        return None
    row.used_at = now
    return session.get(Patient, row.patient_id) if row.patient_id else None


def is_opted_out(session: Session, organization_id: int, phone: str) -> bool:
    """Return True when the newest consent change of `phone` is an opt-out."""
    latest = session.scalar(
        select(SmsConsentChange.opted_out)
        .where(SmsConsentChange.organization_id == organization_id, SmsConsentChange.phone == phone)
        .order_by(SmsConsentChange.id.desc()).limit(1))
    return bool(latest)


def opted_out_phones(session: Session, organization_id: int) -> set[str]:
    """Return every number of the organization whose newest consent change is an opt-out."""
    newest = (select(func.max(SmsConsentChange.id))
              .where(SmsConsentChange.organization_id == organization_id)
              .group_by(SmsConsentChange.phone))
    rows = session.scalars(select(SmsConsentChange.phone).where(
        SmsConsentChange.id.in_(newest), SmsConsentChange.opted_out.is_(True)))
    return set(rows)
