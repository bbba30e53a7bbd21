"""One Guardrails instance for the whole session: loading spaCy and the lexicon takes seconds."""

from __future__ import annotations

import pytest

from guardrails import DirectoryContext, Guardrails, PatientContext

DIRECTORY = DirectoryContext(
    provider_names=("Dr. Ana Lee", "Dr. Omar Haddad", "Dr. Grace Kim"),
    site_names=("Riverside Clinic", "Northgate Family Health"),
    cities=("Springfield", "Fairview"),
    appointment_type_names=("annual physical", "dermatology consult", "follow-up visit"),
    site_addresses=("100 Harbor Street",),
)

PATIENT = PatientContext(
    patient_id="pat_001",
    first_name="Maria",
    last_name="García",
    date_of_birth="1985-03-14",
    phone="(555) 201-7788",
    email="maria.garcia@example.com",
    channel="web",
)


@pytest.fixture(scope="session")
def guardrails() -> Guardrails:
    return Guardrails(DIRECTORY, portal_link="https://portal.example.org")


@pytest.fixture()
def patient() -> PatientContext:
    return PATIENT
