"""HTTP clients for two seeded patients of the scheduling server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.fixtures.services import DemoPatient, SchedulingServer


@dataclass
class PatientClient:
    """httpx client signed in as one seeded patient."""

    patient: DemoPatient
    http: httpx.Client

    def find_slots(self, **params: Any) -> list[dict[str, Any]]:
        """Search slots and return them; fails the test unless the search succeeds."""
        response = self.http.get("/v1/slots", params=params)
        assert response.status_code == 200, response.text
        return response.json()["slots"]

    def book(self, slot_id: str, key: str | None = None) -> httpx.Response:
        """POST a booking with a new Idempotency-Key unless one is given."""
        headers = {"Idempotency-Key": key or uuid.uuid4().hex}
        return self.http.post("/v1/appointments", json={"slot_id": slot_id}, headers=headers)

    def book_first(self, **params: Any) -> dict[str, Any]:
        """Book the first open slot matching `params` and return the appointment."""
        slots = self.find_slots(**params)
        assert slots, f"no open slot for {params}"
        response = self.book(slots[0]["slot_id"])
        assert response.status_code == 201, response.text
        return response.json()


def _client(server: SchedulingServer, patient: DemoPatient) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, headers=server.headers_for(patient),
                        timeout=30)


@pytest.fixture
def alice(scheduling_server: SchedulingServer) -> Iterator[PatientClient]:
    """Client of the first seeded patient."""
    with _client(scheduling_server, scheduling_server.patients[0]) as http:
        yield PatientClient(scheduling_server.patients[0], http)


@pytest.fixture
def bob(scheduling_server: SchedulingServer) -> Iterator[PatientClient]:
    """Client of the second seeded patient."""
    with _client(scheduling_server, scheduling_server.patients[1]) as http:
        yield PatientClient(scheduling_server.patients[1], http)


def assert_error(response: httpx.Response, status: int, code: str,
                 field: str | None = None) -> dict[str, Any]:
    """Check the standard error shape, status, code and field; return the error object."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "field"}
    assert error["code"] == code
    assert error["field"] == field
    assert error["message"]
    return error
