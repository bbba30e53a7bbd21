"""Who the conversation is with, and which names are public clinic data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PatientContext:
    """The authenticated patient, as returned by ``GET /v1/patients/me``.

    ``date_of_birth`` is ``YYYY-MM-DD``. ``channel`` is ``"web"``, ``"sms"`` or ``"cli"``.
    ``language`` is the conversation's language, which the rails' replies are written in.
    """

    patient_id: str
    first_name: str
    last_name: str
    date_of_birth: str
    phone: str
    email: str
    channel: str = "web"
    language: str = "en"


@dataclass(frozen=True)
class DirectoryContext:
    """Clinic directory names that may reach the model and the patient unchanged.

    ``site_addresses`` is optional: street addresses of the clinic's own sites, which would
    otherwise be treated as a private person's address.
    """

    provider_names: tuple[str, ...] = ()
    site_names: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    appointment_type_names: tuple[str, ...] = ()
    site_addresses: tuple[str, ...] = ()
