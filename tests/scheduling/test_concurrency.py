"""Concurrent HTTP requests for one slot: the database lets exactly one booking through."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable

import httpx
from sqlalchemy import func, select

from scheduling.models import Appointment, SlotClaim
from tests.fixtures.services import SchedulingServer
from tests.scheduling.conftest import PatientClient

THREADS = 8
CHECKUP = 1
FOLLOW_UP = 2
ANA_LEE = 1


def _run_together(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    """Start every call at once from its own thread and return the responses in order."""
    barrier = threading.Barrier(len(calls))
    results: list[httpx.Response | BaseException | None] = [None] * len(calls)

    def worker(index: int) -> None:
        barrier.wait()
        try:
            results[index] = calls[index]()
        except BaseException as exc:  # noqa: BLE001 - reported by the assert below
            results[index] = exc

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(result, httpx.Response) for result in results), results
    return results  # type: ignore[return-value]


def _booking_call(server: SchedulingServer, patient_index: int, slot_id: str,
                  key: str | None = None) -> Callable[[], httpx.Response]:
    patient = server.patients[patient_index]
    headers = {**server.headers_for(patient), "Idempotency-Key": key or uuid.uuid4().hex}

    def call() -> httpx.Response:
        return httpx.post(f"{server.base_url}/v1/appointments", json={"slot_id": slot_id},
                          headers=headers, timeout=60)

    return call


def _count(server: SchedulingServer, model: type) -> int:
    with server.session_factory() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_one_slot_one_winner(alice: PatientClient, scheduling_server: SchedulingServer) -> None:
    slot = alice.find_slots(appointment_type_id=CHECKUP, limit=1)[0]["slot_id"]
    calls = [_booking_call(scheduling_server, index % 4, slot) for index in range(THREADS)]

    responses = _run_together(calls)

    statuses = Counter(response.status_code for response in responses)
    assert statuses == {201: 1, 409: THREADS - 1}, [r.text for r in responses]
    for response in responses:
        if response.status_code == 409:
            assert response.json()["error"]["code"] == "slot_taken"
    assert _count(scheduling_server, Appointment) == 1
    assert _count(scheduling_server, SlotClaim) == 30 // 5


def test_overlapping_types_one_winner(alice: PatientClient,
                                      scheduling_server: SchedulingServer) -> None:
    checkup = alice.find_slots(appointment_type_id=CHECKUP, provider_id=ANA_LEE, limit=1)[0]
    follow_ups = alice.find_slots(appointment_type_id=FOLLOW_UP, provider_id=ANA_LEE, limit=10)
    inside = [row["slot_id"] for row in follow_ups
              if checkup["start"] <= row["start"] < checkup["end"]]
    assert len(inside) == 2
    calls = [_booking_call(scheduling_server, index % 4, slot_id)
             for index, slot_id in enumerate([checkup["slot_id"], *inside] * 2)]

    responses = _run_together(calls)

    created = [response.json() for response in responses if response.status_code == 201]
    rejected = [response for response in responses if response.status_code == 409]
    assert len(created) + len(rejected) == len(calls)
    assert 1 <= len(created) <= 2
    starts = sorted((row["start"], row["end"]) for row in created)
    for (_, earlier_end), (later_start, _) in zip(starts, starts[1:]):
        assert earlier_end <= later_start, "two overlapping appointments were booked"


def test_same_key_books_once(alice: PatientClient, scheduling_server: SchedulingServer) -> None:
    slot = alice.find_slots(appointment_type_id=CHECKUP, limit=1)[0]["slot_id"]
    key = uuid.uuid4().hex
    calls = [_booking_call(scheduling_server, 0, slot, key=key) for _ in range(4)]

    responses = _run_together(calls)

    assert [response.status_code for response in responses] == [201] * 4
    assert len({response.json()["id"] for response in responses}) == 1
    assert _count(scheduling_server, Appointment) == 1
