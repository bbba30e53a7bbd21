"""Bad input anywhere gets a clear error naming the value and the fix, never a 500.

Every case runs against a real server; afterwards nothing may have been written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from scheduling.models import Appointment, Escalation, IdempotencyRecord, SlotClaim
from tests.fixtures.services import SchedulingServer
from tests.scheduling.conftest import PatientClient, assert_error

TODAY = dt.date.today()
PAST = (TODAY - dt.timedelta(days=30)).isoformat()
SOON = (TODAY + dt.timedelta(days=2)).isoformat()
BOOKING_HEADERS = {"Idempotency-Key": "bad-input-test-key-1"}
VALID_ESCALATION = {"conversation_id": "c-1", "reason": "help", "priority": "normal",
                    "channel": "sms", "summary": ""}

# id, request keyword arguments, status, code, field, words the message must contain.
CASES: list[tuple[str, dict[str, Any], int, str, str | None, tuple[str, ...]]] = [
    ("impossible date", {"url": "/v1/slots", "params": {"start_date": "2027-02-30"}},
     422, "invalid_request", "start_date", ("2027-02-30", "YYYY-MM-DD")),
    ("date wrong shape", {"url": "/v1/slots", "params": {"end_date": "03/04/2027"}},
     422, "invalid_request", "end_date", ("03/04/2027", "YYYY-MM-DD")),
    ("past start date", {"url": "/v1/slots", "params": {"start_date": PAST}},
     422, "date_in_past", "start_date", (PAST, "in the past")),
    ("reversed range", {"url": "/v1/slots", "params": {"start_date": SOON, "end_date":
                                                       TODAY.isoformat()}},
     422, "invalid_date_range", "end_date", (SOON,)),
    ("range too long", {"url": "/v1/slots", "params": {
        "start_date": SOON,
        "end_date": (TODAY + dt.timedelta(days=2 + 62)).isoformat()}},
     422, "date_range_too_long", "end_date", ("63 days", "62")),
    ("impossible time", {"url": "/v1/slots", "params": {"after": "25:00"}},
     422, "invalid_request", "after", ("25:00", "HH:MM")),
    ("time wrong shape", {"url": "/v1/slots", "params": {"before": "5pm"}},
     422, "invalid_request", "before", ("5pm", "HH:MM")),
    ("empty window", {"url": "/v1/slots", "params": {"time_of_day": "morning",
                                                     "after": "13:00"}},
     422, "empty_time_window", "before", ("13:00",)),
    ("unknown time of day", {"url": "/v1/slots", "params": {"time_of_day": "night"}},
     422, "invalid_request", "time_of_day", ("night",)),
    ("limit zero", {"url": "/v1/slots", "params": {"limit": "0"}},
     422, "invalid_request", "limit", ("'0'", "1 to 100")),
    ("limit word", {"url": "/v1/slots", "params": {"limit": "ten"}},
     422, "invalid_request", "limit", ("ten",)),
    ("unknown provider", {"url": "/v1/slots", "params": {"provider_id": "999999"}},
     404, "provider_not_found", "provider_id", ("999999", "/v1/directory")),
    ("unknown site", {"url": "/v1/slots", "params": {"site_id": "424242"}},
     404, "site_not_found", "site_id", ("424242",)),
    ("negative id", {"url": "/v1/slots", "params": {"appointment_type_id": "-3"}},
     422, "invalid_request", "appointment_type_id", ("-3",)),
    ("unknown query parameter", {"url": "/v1/slots", "params": {"date": SOON}},
     422, "invalid_request", "date", ("not a known field",)),
    ("unknown status", {"url": "/v1/appointments", "params": {"status": "done"}},
     422, "invalid_request", "status", ("done",)),
    ("malformed json", {"method": "POST", "url": "/v1/appointments",
                        "content": b'{"slot_id": ', "headers": {
                            **BOOKING_HEADERS, "Content-Type": "application/json"}},
     422, "invalid_request", None, ("not valid JSON",)),
    ("body is a list", {"method": "POST", "url": "/v1/appointments", "json": ["x"],
                        "headers": BOOKING_HEADERS},
     422, "invalid_request", None, ("JSON object",)),
    ("slot id wrong type", {"method": "POST", "url": "/v1/appointments",
                            "json": {"slot_id": 12}, "headers": BOOKING_HEADERS},
     422, "invalid_request", "slot_id", ("12", "GET /v1/slots")),
    ("slot id garbage", {"method": "POST", "url": "/v1/appointments",
                         "json": {"slot_id": "tomorrow at 9"}, "headers": BOOKING_HEADERS},
     422, "invalid_slot_id", "slot_id", ("tomorrow at 9",)),
    ("slot id impossible time", {"method": "POST", "url": "/v1/appointments",
                                 "json": {"slot_id": "1.1.1.20270230T0900Z"},
                                 "headers": BOOKING_HEADERS},
     422, "invalid_slot_id", "slot_id", ("20270230T0900Z",)),
    ("nul in slot id", {"method": "POST", "url": "/v1/appointments",
                        "json": {"slot_id": "1.1.1.\u0000"}, "headers": BOOKING_HEADERS},
     422, "invalid_request", "slot_id", ("control characters",)),
    ("nul in specialty", {"url": "/v1/slots", "params": {"specialty": "derm\u0000"}},
     422, "invalid_request", "specialty", ("control characters",)),
    ("slot off the grid", {"method": "POST", "url": "/v1/appointments",
                           "json": {"slot_id": f"1.1.1.{SOON.replace('-', '')}T0307Z"},
                           "headers": BOOKING_HEADERS},
     404, "slot_not_found", "slot_id", ("GET /v1/slots",)),
    ("slot in the past", {"method": "POST", "url": "/v1/appointments",
                          "json": {"slot_id": "1.1.1.20200106T1700Z"},
                          "headers": BOOKING_HEADERS},
     404, "slot_not_found", "slot_id", ("20200106T1700Z",)),
    ("extra body field", {"method": "POST", "url": "/v1/appointments",
                          "json": {"slot_id": "1.1.1.20270104T1700Z", "patient_id": 2},
                          "headers": BOOKING_HEADERS},
     422, "invalid_request", "patient_id", ("not a known field",)),
    ("huge body", {"method": "POST", "url": "/v1/escalations",
                   "json": {**VALID_ESCALATION, "summary": "x" * 100_000}},
     413, "request_too_large", None, ("bytes",)),
    ("summary too long", {"method": "POST", "url": "/v1/escalations",
                          "json": {**VALID_ESCALATION, "summary": "x" * 5000}},
     422, "invalid_request", "summary", ("4000",)),
    ("unknown priority", {"method": "POST", "url": "/v1/escalations",
                          "json": {**VALID_ESCALATION, "priority": "high"}},
     422, "invalid_request", "priority", ("high", "urgent")),
    ("blank reason", {"method": "POST", "url": "/v1/escalations",
                      "json": {**VALID_ESCALATION, "reason": "   "}},
     422, "invalid_request", "reason", ("blank",)),
    ("missing field", {"method": "POST", "url": "/v1/escalations",
                       "json": {key: value for key, value in VALID_ESCALATION.items()
                                if key != "channel"}},
     422, "invalid_request", "channel", ("required",)),
    ("appointment id word", {"url": "/v1/appointments/abc"},
     422, "invalid_request", "appointment_id", ("abc",)),
    ("appointment id overflow", {"method": "POST", "url": f"/v1/appointments/{2**40}/cancel"},
     422, "invalid_request", "appointment_id", (str(2**40),)),
    ("unknown path", {"url": "/v1/nothing-here"}, 404, "not_found", None, ("/v1/nothing-here",)),
    ("wrong method", {"method": "DELETE", "url": "/v1/appointments"},
     405, "method_not_allowed", None, ("DELETE",)),
]


@pytest.mark.parametrize(("request_args", "status", "code", "field", "words"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_input_rejected(alice: PatientClient, scheduling_server: SchedulingServer,
                            request_args: dict[str, Any], status: int, code: str,
                            field: str | None, words: tuple[str, ...]) -> None:
    arguments = {"method": "GET", **request_args}
    response = alice.http.request(**arguments)

    error = assert_error(response, status, code, field)
    for word in words:
        assert word in error["message"]
    with scheduling_server.session_factory() as session:
        for model in (Appointment, SlotClaim, Escalation, IdempotencyRecord):
            assert session.scalar(select(func.count()).select_from(model)) == 0, model.__name__


def test_sign_in_error_hides_birth_date(scheduling_server: SchedulingServer) -> None:
    url = f"{scheduling_server.base_url}/v1/auth/patient-token"
    response = httpx.post(url, json={"email": "someone@example.com",
                                     "date_of_birth": "1985-13-01"})
    error = assert_error(response, 422, "invalid_request", "date_of_birth")
    assert "1985-13-01" not in error["message"]
    assert "YYYY-MM-DD" in error["message"]
    assert "someone@example.com" not in error["message"]


def test_error_hides_patient_text(alice: PatientClient) -> None:
    response = alice.http.post("/v1/escalations", json={**VALID_ESCALATION,
                                                        "summary": ["Jane Private"]})
    error = assert_error(response, 422, "invalid_request", "summary")
    assert "Jane Private" not in error["message"]
