"""Hand-off fixtures: the seeded web app, a patient chatting over HTTP, and a second tenant.

Staff sign in through the API with password and TOTP (`WebAppServer.staff_token`). Each demo
account can complete TOTP at most twice per 30-second step, so a test signs each role in once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from scheduling import events
from scheduling.account_models import StaffMember
from scheduling.auth.passwords import hash_password
from scheduling.models import Organization, Patient, Site
from scheduling.seed import DEMO_STAFF_PASSWORD
from tests.fixtures.services import DemoPatient
from tests.fixtures.web import WebAppServer, start_web_app_server

OTHER_TENANT_EMAIL = "front.desk@other-tenant.example.com"


@dataclass
class PatientChat:
    """One patient's web conversation, driven through the chat API as the page drives it."""

    server: WebAppServer
    patient: DemoPatient
    conversation_id: str = ""

    def headers(self) -> dict[str, str]:
        return self.server.headers_for(self.patient)

    def start(self) -> PatientChat:
        response = httpx.post(self.server.base_url + "/api/conversations", headers=self.headers(), timeout=20)
        assert response.status_code == 201, response.text
        self.conversation_id = response.json()["conversation_id"]
        return self

    def say(self, text: str) -> dict:
        path = f"/api/conversations/{self.conversation_id}/messages"
        response = httpx.post(self.server.base_url + path, json={"text": text}, headers=self.headers(), timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    def updates(self, after: int = 0) -> dict:
        path = f"/api/conversations/{self.conversation_id}/updates"
        response = httpx.get(self.server.base_url + path, params={"after": after}, headers=self.headers(), timeout=20)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def handoff_server(tmp_path: Path) -> Iterator[WebAppServer]:
    """Seeded web app on SQLite with an in-process broadcaster."""
    with start_web_app_server(tmp_path / "handoff-data") as server:
        yield server


@pytest.fixture
def open_patient_chat(handoff_server: WebAppServer):
    """Return a function that starts a web conversation for the n-th seeded patient."""

    def opener(index: int = 0) -> PatientChat:
        return PatientChat(handoff_server, handoff_server.patients[index]).start()

    return opener


@pytest.fixture
def recorded_events() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Security events emitted during the test, as (event_type, fields)."""
    recorded: list[tuple[str, dict[str, Any]]] = []
    remove = events.add_sink(lambda event_type, fields: recorded.append((event_type, fields)))
    yield recorded
    remove()


@pytest.fixture
def other_tenant_staff(handoff_server: WebAppServer) -> str:
    """Add a second organization with a front-desk member; return that member's email."""
    with handoff_server.session_factory() as session:
        org = Organization(name="Other Tenant Clinic")
        session.add(org)
        session.flush()
        site = Site(organization_id=org.id, name="Elsewhere Clinic", city="Elsewhere",
                    address="1 Other Road", time_zone="America/Chicago")
        patient = Patient(organization_id=org.id, first_name="Quinn", last_name="Otherly",
                          date_of_birth=dt.date(1990, 2, 3), phone="(312) 555-0199",
                          email="quinn.otherly@example.com")
        session.add_all([site, patient])
        session.flush()
        patient.home_site_id = site.id
        session.add(StaffMember(organization_id=org.id, email=OTHER_TENANT_EMAIL, display_name="Other Desk",
                                role="front_desk", password_hash=hash_password(DEMO_STAFF_PASSWORD, handoff_server.settings),
                                sites=[site]))
        session.commit()
    return OTHER_TENANT_EMAIL


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
