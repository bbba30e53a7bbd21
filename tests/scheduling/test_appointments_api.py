"""Booking, listing, cancelling and rescheduling over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from scheduling.models import Appointment, SlotClaim
from tests.fixtures.services import SchedulingServer
from tests.scheduling.conftest import PatientClient, assert_error

CHECKUP = 1
FOLLOW_UP = 2
ANA_LEE = 1


def test_book_then_list_and_read(alice: PatientClient) -> None:
    slot = alice.find_slots(appointment_type_id=CHECKUP, limit=1)[0]
    booked = alice.book(slot["slot_id"])
    assert booked.status_code == 201, booked.text
    appointment = booked.json()
    assert appointment["status"] == "booked"
    assert appointment["start"] == slot["start"]
    assert appointment["end"] == slot["end"]
    assert appointment["time_zone"] == slot["time_zone"]
    assert appointment["rescheduled_from_id"] is None

    listed = alice.http.get("/v1/appointments").json()["appointments"]
    assert [row["id"] for row in listed] == [appointment["id"]]
    read = alice.http.get(f"/v1/appointments/{appointment['id']}")
    assert read.json() == appointment


def test_booked_slot_leaves_search(alice: PatientClient) -> None:
    slot = alice.find_slots(appointment_type_id=CHECKUP, provider_id=ANA_LEE, limit=1)[0]
    assert alice.book(slot["slot_id"]).status_code == 201

    remaining = alice.find_slots(provider_id=ANA_LEE, limit=100)
    assert slot["slot_id"] not in {row["slot_id"] for row in remaining}
    overlapping = [row for row in remaining
                   if row["start"] < slot["end"] and row["end"] > slot["start"]]
    assert overlapping == []


def test_overlap_across_durations_rejected(alice: PatientClient, bob: PatientClient) -> None:
    checkup = alice.find_slots(appointment_type_id=CHECKUP, provider_id=ANA_LEE, limit=1)[0]
    follow_ups = bob.find_slots(appointment_type_id=FOLLOW_UP, provider_id=ANA_LEE, limit=10)
    inside = [row for row in follow_ups if checkup["start"] < row["start"] < checkup["end"]]
    assert inside, "expected a 15-minute slot inside the 30-minute one"
    assert bob.book(inside[0]["slot_id"]).status_code == 201

    assert_error(alice.book(checkup["slot_id"]), 409, "slot_taken", "slot_id")


def test_cancel_frees_slot(alice: PatientClient, bob: PatientClient) -> None:
    slot = alice.find_slots(appointment_type_id=CHECKUP, limit=1)[0]
    appointment = alice.book(slot["slot_id"]).json()

    cancelled = alice.http.post(f"/v1/appointments/{appointment['id']}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert bob.book(slot["slot_id"]).status_code == 201

    again = alice.http.post(f"/v1/appointments/{appointment['id']}/cancel")
    assert_error(again, 409, "not_cancellable", "appointment_id")


def test_list_filters_by_status(alice: PatientClient) -> None:
    kept = alice.book_first(appointment_type_id=CHECKUP)
    dropped = alice.book_first(appointment_type_id=CHECKUP)
    alice.http.post(f"/v1/appointments/{dropped['id']}/cancel")

    booked = alice.http.get("/v1/appointments", params={"status": "booked"}).json()
    cancelled = alice.http.get("/v1/appointments", params={"status": "cancelled"}).json()
    assert [row["id"] for row in booked["appointments"]] == [kept["id"]]
    assert [row["id"] for row in cancelled["appointments"]] == [dropped["id"]]


def test_idempotent_replay(alice: PatientClient, scheduling_server: SchedulingServer) -> None:
    slot = alice.find_slots(appointment_type_id=CHECKUP, limit=1)[0]
    key = uuid.uuid4().hex
    first = alice.book(slot["slot_id"], key=key)
    second = alice.book(slot["slot_id"], key=key)

    assert first.status_code == 201
    assert second.status_code == 201
    assert second.json() == first.json()
    assert second.headers.get("Idempotent-Replayed") == "true"
    with scheduling_server.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Appointment)) == 1


def test_idempotency_key_reused(alice: PatientClient) -> None:
    first, second = alice.find_slots(appointment_type_id=CHECKUP, limit=2)
    key = uuid.uuid4().hex
    assert alice.book(first["slot_id"], key=key).status_code == 201

    reused = alice.book(second["slot_id"], key=key)
    assert_error(reused, 409, "idempotency_key_reused", "Idempotency-Key")
    assert len(alice.http.get("/v1/appointments").json()["appointments"]) == 1


def test_idempotency_key_required(alice: PatientClient) -> None:
    slot = alice.find_slots(appointment_type_id=CHECKUP, limit=1)[0]
    missing = alice.http.post("/v1/appointments", json={"slot_id": slot["slot_id"]})
    assert_error(missing, 422, "invalid_request", "Idempotency-Key")
    short = alice.book(slot["slot_id"], key="abc")
    assert_error(short, 422, "invalid_request", "Idempotency-Key")


def test_reschedule_links_both(alice: PatientClient, bob: PatientClient) -> None:
    old_slot, new_slot = alice.find_slots(appointment_type_id=CHECKUP, provider_id=ANA_LEE,
                                          limit=2)
    old = alice.book(old_slot["slot_id"]).json()

    moved = alice.http.post(f"/v1/appointments/{old['id']}/reschedule",
                            json={"slot_id": new_slot["slot_id"]})
    assert moved.status_code == 200, moved.text
    new = moved.json()
    assert new["status"] == "booked"
    assert new["start"] == new_slot["start"]
    assert new["rescheduled_from_id"] == old["id"]
    previous = alice.http.get(f"/v1/appointments/{old['id']}").json()
    assert previous["status"] == "cancelled"
    assert previous["rescheduled_to_id"] == new["id"]
    assert bob.book(old_slot["slot_id"]).status_code == 201


def test_reschedule_onto_own_overlap(alice: PatientClient) -> None:
    follow_ups = alice.find_slots(appointment_type_id=FOLLOW_UP, provider_id=ANA_LEE, limit=8)
    # Check-ups start on the half hour from 9:00, so only such follow-ups share a start.
    on_half_hour = [row for row in follow_ups if row["start"][14:16] in ("00", "30")]
    old = alice.book(on_half_hour[0]["slot_id"]).json()
    checkups = alice.find_slots(appointment_type_id=CHECKUP, provider_id=ANA_LEE, limit=100)
    assert all(row["start"] != old["start"] for row in checkups)

    # A 30-minute check-up at the follow-up's start overlaps only the follow-up itself.
    overlapping_id = on_half_hour[0]["slot_id"].replace(f".{FOLLOW_UP}.", f".{CHECKUP}.", 1)
    moved = alice.http.post(f"/v1/appointments/{old['id']}/reschedule",
                            json={"slot_id": overlapping_id})
    assert moved.status_code == 200, moved.text
    assert moved.json()["start"] == old["start"]


def test_reschedule_onto_taken_slot_is_atomic(alice: PatientClient, bob: PatientClient,
                                              scheduling_server: SchedulingServer) -> None:
    mine, theirs = alice.find_slots(appointment_type_id=CHECKUP, provider_id=ANA_LEE, limit=2)
    old = alice.book(mine["slot_id"]).json()
    assert bob.book(theirs["slot_id"]).status_code == 201

    moved = alice.http.post(f"/v1/appointments/{old['id']}/reschedule",
                            json={"slot_id": theirs["slot_id"]})
    assert_error(moved, 409, "slot_taken", "slot_id")
    after = alice.http.get(f"/v1/appointments/{old['id']}").json()
    assert after["status"] == "booked"
    assert after["rescheduled_to_id"] is None
    assert mine["slot_id"] not in {row["slot_id"] for row in bob.find_slots(provider_id=ANA_LEE)}
    with scheduling_server.session_factory() as session:
        claims = session.scalar(select(func.count()).select_from(SlotClaim)
                                .where(SlotClaim.appointment_id == old["id"]))
        appointments = session.scalar(select(func.count()).select_from(Appointment))
    assert claims == 30 // 5
    assert appointments == 2


def test_reschedule_with_key_replays(alice: PatientClient) -> None:
    old_slot, new_slot = alice.find_slots(appointment_type_id=CHECKUP, limit=2)
    old = alice.book(old_slot["slot_id"]).json()
    path = f"/v1/appointments/{old['id']}/reschedule"
    headers = {"Idempotency-Key": uuid.uuid4().hex}

    first = alice.http.post(path, json={"slot_id": new_slot["slot_id"]}, headers=headers)
    second = alice.http.post(path, json={"slot_id": new_slot["slot_id"]}, headers=headers)
    assert first.status_code == 200, first.text
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]


def test_other_patients_ids_are_not_found(alice: PatientClient, bob: PatientClient) -> None:
    theirs = bob.book_first(appointment_type_id=CHECKUP)
    spare = alice.find_slots(appointment_type_id=CHECKUP, limit=1)[0]
    unknown_id = 999_999

    for appointment_id in (theirs["id"], unknown_id):
        read = alice.http.get(f"/v1/appointments/{appointment_id}")
        cancel = alice.http.post(f"/v1/appointments/{appointment_id}/cancel")
        move = alice.http.post(f"/v1/appointments/{appointment_id}/reschedule",
                               json={"slot_id": spare["slot_id"]})
        for response in (read, cancel, move):
            error = assert_error(response, 404, "appointment_not_found", "appointment_id")
            assert error["message"] == (f"No appointment {appointment_id} was found. List yours "
                                        "with GET /v1/appointments.")

    assert alice.http.get("/v1/appointments").json()["appointments"] == []
    still = bob.http.get(f"/v1/appointments/{theirs['id']}").json()
    assert still["status"] == "booked"


def test_patient_reads_own_record(alice: PatientClient, bob: PatientClient) -> None:
    mine = alice.http.get("/v1/patients/me").json()
    theirs = bob.http.get("/v1/patients/me").json()
    assert mine["id"] == alice.patient.id
    assert mine["email"] == alice.patient.email
    assert theirs["id"] == bob.patient.id


def test_directory_lists_clinic(alice: PatientClient) -> None:
    directory = alice.http.get("/v1/directory").json()
    names = {provider["display_name"] for provider in directory["providers"]}
    assert {"Dr. Ana Lee", "Dr. Anna Leigh"} <= names
    assert len({site["time_zone"] for site in directory["sites"]}) >= 3
    checkup = directory["appointment_types"][0]
    assert "physical" in checkup["aliases"]


def test_escalation_is_created(alice: PatientClient) -> None:
    body = {"conversation_id": "conv-123", "reason": "Patient asked for a person",
            "priority": "urgent", "channel": "web", "summary": "Wants to talk to staff."}
    response = alice.http.post("/v1/escalations", json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["status"] == "open"
    assert created["priority"] == "urgent"
    assert created["conversation_id"] == "conv-123"
