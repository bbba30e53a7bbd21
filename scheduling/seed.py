"""Synthetic demo clinic: invented names, 555-01xx phone numbers and @example.com emails.

`seed_demo` is idempotent: it looks every row up by its natural key before adding it, so a
second run with the same `today` adds nothing.

Demo sign-in: every demo staff member (one per role, STAFF) has the password
DEMO_STAFF_PASSWORD and sets up TOTP at first sign-in. Every demo patient has the portal
password DEMO_PATIENT_PASSWORD. They are published here on purpose and are for demos only.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from typing import Any, TypeVar

from argon2 import PasswordHasher

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduling.account_models import PatientCredential, StaffMember
from scheduling.auth.passwords import hasher_for
from scheduling.config import Settings
from scheduling.models import (
    AppointmentType,
    AvailabilityException,
    AvailabilityTemplate,
    Base,
    Organization,
    Patient,
    Provider,
    Site,
)

logger = logging.getLogger(__name__)
ModelT = TypeVar("ModelT", bound=Base)

ORGANIZATION_NAME = "Harborview Demo Health"
AVAILABILITY_DAYS = 28
WEEKDAYS = (0, 1, 2, 3, 4)
SATURDAY = 5

SITES = [
    ("Sunnyvale Clinic", "Sunnyvale", "100 Example Way, Sunnyvale, CA 94000", "America/Los_Angeles"),
    ("Denver Clinic", "Denver", "200 Sample Street, Denver, CO 80000", "America/Denver"),
    ("Boston Clinic", "Boston", "300 Demo Avenue, Boston, MA 02000", "America/New_York"),
]

APPOINTMENT_TYPES: list[tuple[str, int, list[str]]] = [
    ("General check-up", 30,
     ["checkup", "check-up", "physical", "annual visit", "annual exam", "wellness visit"]),
    ("Follow-up visit", 15, ["follow-up", "follow up", "recheck"]),
    ("New patient visit", 45, ["new patient", "first visit", "intake"]),
    ("Consultation", 30, ["consult", "specialist visit", "second opinion"]),
    ("Dental cleaning", 60, ["cleaning", "teeth cleaning", "hygiene visit"]),
    ("Physical therapy session", 45, ["physical therapy", "PT", "physio", "rehab"]),
    ("Skin check", 20, ["mole check", "skin exam", "rash"]),
]

# name, display name, specialty, site names, type names, weekdays, local hours.
PROVIDERS: list[tuple[str, str, str, list[str], list[str], tuple[int, ...], tuple[int, int]]] = [
    ("Ana Lee", "Dr. Ana Lee", "family medicine", ["Sunnyvale Clinic"],
     ["General check-up", "Follow-up visit", "New patient visit"], WEEKDAYS + (SATURDAY,), (9, 17)),
    ("Anna Leigh", "Dr. Anna Leigh", "dermatology", ["Sunnyvale Clinic"],
     ["Consultation", "Skin check", "Follow-up visit"], WEEKDAYS, (8, 16)),
    ("Rafael Moreno", "Dr. Rafael Moreno", "cardiology", ["Boston Clinic"],
     ["Consultation", "Follow-up visit", "New patient visit"], (0, 2, 4), (9, 15)),
    ("Priya Natarajan", "Dr. Priya Natarajan", "pediatrics", ["Denver Clinic"],
     ["General check-up", "Follow-up visit", "New patient visit"], WEEKDAYS, (8, 16)),
    ("Owen Fairbank", "Dr. Owen Fairbank", "dentistry", ["Boston Clinic"],
     ["Dental cleaning", "Consultation"], WEEKDAYS + (SATURDAY,), (9, 17)),
    ("Mira Castellanos", "Mira Castellanos, DPT", "physical therapy", ["Denver Clinic"],
     ["Physical therapy session", "New patient visit"], (1, 3, SATURDAY), (10, 18)),
    ("Samuel Okonkwo", "Dr. Samuel Okonkwo", "family medicine", ["Boston Clinic", "Denver Clinic"],
     ["General check-up", "Follow-up visit", "New patient visit"], WEEKDAYS, (12, 19)),
]

PATIENTS = [
    ("Jordan", "Testwell", dt.date(1985, 4, 12), "(408) 555-0101", "jordan.testwell@example.com",
     "web", "en"),
    ("Maria", "Ejemplo", dt.date(1972, 9, 30), "(303) 555-0102", "maria.ejemplo@example.com",
     "sms", "es"),
    ("Casey", "Sampleton", dt.date(1999, 1, 5), "(617) 555-0103", "casey.sampleton@example.com",
     "web", "en"),
    ("Riley", "Placeholder", dt.date(2015, 6, 21), "(408) 555-0104",
     "riley.placeholder@example.com", "sms", "en"),
    # Maria's daughter texts from her mother's number: a shared family phone.
    ("Sofia", "Ejemplo", dt.date(2011, 3, 14), "(303) 555-0102", "sofia.ejemplo@example.com",
     "sms", "es"),
]

PATIENT_HOME_SITES = {
    "jordan.testwell@example.com": "Sunnyvale Clinic",
    "maria.ejemplo@example.com": "Denver Clinic",
    "casey.sampleton@example.com": "Boston Clinic",
    "riley.placeholder@example.com": "Sunnyvale Clinic",
    "sofia.ejemplo@example.com": "Denver Clinic",
}

DEFAULT_HASHER = PasswordHasher()
DEMO_STAFF_PASSWORD = "demo-staff-passphrase"
DEMO_PATIENT_PASSWORD = "demo-patient-passphrase"

# email, display name, role, site names (admin and compliance see every site).
STAFF = [
    ("front.desk@example.com", "Morgan Deskwell", "front_desk", ["Sunnyvale Clinic"]),
    ("clinician@example.com", "Dr. Ana Lee", "clinician", ["Sunnyvale Clinic"]),
    ("billing@example.com", "Taylor Ledgerby", "billing", ["Sunnyvale Clinic", "Denver Clinic"]),
    ("admin@example.com", "Sam Adminton", "admin", []),
    ("compliance@example.com", "Jamie Auditson", "compliance", []),
]


def seed_demo(session: Session, today: dt.date, settings: Settings | None = None) -> list[Patient]:
    """Create the demo clinic if missing, commit, and return its patients in id order.

    Availability covers the AVAILABILITY_DAYS days from `today`. One site holiday and one
    provider's time off fall inside them. Passwords are hashed with the argon2 cost of
    `settings`, or argon2-cffi's default cost when it is None.
    """
    org = _get_or_add(session, Organization, name=ORGANIZATION_NAME)
    sites = {name: _get_or_add(session, Site, organization_id=org.id, name=name,
                               defaults={"city": city, "address": address, "time_zone": zone})
             for name, city, address, zone in SITES}
    types = {name: _get_or_add(session, AppointmentType, organization_id=org.id, name=name,
                               defaults={"duration_minutes": minutes, "aliases": aliases})
             for name, minutes, aliases in APPOINTMENT_TYPES}
    for row in PROVIDERS:
        _add_provider(session, org, row, sites, types, today)
    _add_closures(session, org, sites, today)
    patients = [_add_patient(session, org, row) for row in PATIENTS]
    hasher = hasher_for(settings) if settings is not None else DEFAULT_HASHER
    for patient in patients:
        _add_patient_account(session, patient, sites, hasher)
    for row in STAFF:
        _add_staff(session, org, row, sites, hasher)
    session.commit()
    logger.info("Demo clinic %s is seeded with %s patients", org.id, len(patients))
    return patients


def _get_or_add(session: Session, model: type[ModelT], defaults: dict[str, Any] | None = None,
                **keys: Any) -> ModelT:
    row = session.scalar(select(model).filter_by(**keys))
    if row is None:
        row = model(**keys, **(defaults or {}))
        session.add(row)
        session.flush()
    return row


def _add_provider(session: Session, org: Organization, row: tuple[Any, ...],
                  sites: dict[str, Site], types: dict[str, AppointmentType],
                  today: dt.date) -> None:
    name, display_name, specialty, site_names, type_names, weekdays, hours = row
    provider = _get_or_add(session, Provider, organization_id=org.id, name=name,
                           defaults={"display_name": display_name, "specialty": specialty})
    if not provider.sites:
        provider.sites = [sites[site_name] for site_name in site_names]
        provider.appointment_types = [types[type_name] for type_name in type_names]
    last_day = today + dt.timedelta(days=AVAILABILITY_DAYS - 1)
    for site_name in site_names:
        for weekday in weekdays:
            start, end = (9, 13) if weekday == SATURDAY else hours
            _get_or_add(session, AvailabilityTemplate, provider_id=provider.id,
                        site_id=sites[site_name].id, weekday=weekday,
                        start_time=dt.time(start), end_time=dt.time(end),
                        valid_from=today, valid_until=last_day)


def _add_closures(session: Session, org: Organization, sites: dict[str, Site],
                  today: dt.date) -> None:
    holiday = _next_weekday(today + dt.timedelta(days=10), 0)
    _get_or_add(session, AvailabilityException, organization_id=org.id, kind="holiday",
                site_id=sites["Boston Clinic"].id, start_date=holiday, end_date=holiday,
                defaults={"reason": "Clinic holiday"})
    provider = session.scalar(select(Provider).filter_by(organization_id=org.id, name="Anna Leigh"))
    assert provider is not None
    away = _next_weekday(today + dt.timedelta(days=14), 2)
    _get_or_add(session, AvailabilityException, organization_id=org.id, kind="time_off",
                provider_id=provider.id, start_date=away, end_date=away + dt.timedelta(days=2),
                defaults={"reason": "Conference"})


def _add_patient(session: Session, org: Organization, row: tuple[Any, ...]) -> Patient:
    first, last, born, phone, email, channel, language = row
    return _get_or_add(session, Patient, organization_id=org.id, email=email,
                       defaults={"first_name": first, "last_name": last, "date_of_birth": born,
                                 "phone": phone, "preferred_channel": channel,
                                 "preferred_language": language})


@functools.lru_cache(maxsize=8)
def _demo_hash(hasher: PasswordHasher, password: str) -> str:
    # One hash per password and cost, so seeding many test databases stays fast. Reusing the
    # salt is acceptable only because these passwords are public demo values.
    return hasher.hash(password)


def _add_patient_account(session: Session, patient: Patient, sites: dict[str, Site],
                         hasher: PasswordHasher) -> None:
    home = PATIENT_HOME_SITES.get(patient.email)
    if patient.home_site_id is None and home is not None:
        patient.home_site_id = sites[home].id
    if session.get(PatientCredential, patient.id) is None:
        session.add(PatientCredential(patient_id=patient.id,
                                      password_hash=_demo_hash(hasher, DEMO_PATIENT_PASSWORD)))


def _add_staff(session: Session, org: Organization, row: tuple[Any, ...],
               sites: dict[str, Site], hasher: PasswordHasher) -> None:
    email, display_name, role, site_names = row
    if session.scalar(select(StaffMember.id).filter_by(email=email)) is not None:
        return
    session.add(StaffMember(organization_id=org.id, email=email, display_name=display_name,
                            role=role, password_hash=_demo_hash(hasher, DEMO_STAFF_PASSWORD),
                            sites=[sites[name] for name in site_names]))
    session.flush()


def _next_weekday(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)
