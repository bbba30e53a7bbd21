"""Hand-off fixtures: the seeded web app, a patient chatting over HTTP, and a second tenant.

Staff sign in through the API with password and TOTP (`WebAppServer.staff_token`). Each demo
account can complete TOTP at most twice per 30-second step, so a test signs each role in once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from scheduling import events
from tests.fixtures.services import DemoPatient
from tests.fixtures.tenants import add_other_tenant
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
        add_other_tenant(session, handoff_server.settings, name="Other Tenant Clinic", staff_email=OTHER_TENANT_EMAIL,
                         role="front_desk", staff_name="Other Desk", patient_email="quinn.otherly@example.com",
                         patient_last_name="Otherly", staff_on_site=True)
        session.commit()
    return OTHER_TENANT_EMAIL


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
