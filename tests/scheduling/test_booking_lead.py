"""Online booking needs notice: slots that start too soon are neither offered nor bookable."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import httpx

from tests.fixtures.services import start_scheduling_server

# Monday 2030-01-07, 08:30 in Sunnyvale (16:30 UTC); Dr. Ana Lee works there from 9:00.
NOW = dt.datetime(2030, 1, 7, 16, 30, tzinfo=dt.timezone.utc)


def test_lead_time_hides_and_rejects_near_slots(tmp_path):
    url = f"sqlite:///{tmp_path / 'lead.sqlite3'}"
    with start_scheduling_server(url, tmp_path / "data", seed_today=dt.date(2030, 1, 6), clock=lambda: NOW,
                                 BOOKING_LEAD_MINUTES=60) as server:
        headers = server.headers_for(server.patients[0])
        params = {"site_id": 1, "appointment_type_id": 1, "start_date": "2030-01-07", "end_date": "2030-01-07"}
        slots = httpx.get(f"{server.base_url}/v1/slots", params=params, headers=headers).json()["slots"]
        first_start = dt.datetime.fromisoformat(slots[0]["start"])
        too_soon = f"1.1.1.{(NOW + dt.timedelta(minutes=30)):%Y%m%dT%H%MZ}"
        booked = httpx.post(f"{server.base_url}/v1/appointments", json={"slot_id": too_soon},
                            headers={**headers, "Idempotency-Key": "lead-time-test"})

    assert first_start > NOW + dt.timedelta(minutes=60)
    assert first_start.astimezone(ZoneInfo("America/Los_Angeles")).time() == dt.time(10, 0)
    assert booked.status_code == 422
    assert booked.json()["error"]["code"] == "slot_too_soon"
    assert "60 minutes" in booked.json()["error"]["message"]
