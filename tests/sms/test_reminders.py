"""Reminders: due windows, once only, consent, language, and C/X replies after verification."""

from __future__ import annotations

import datetime as dt
import uuid

import httpx

from assistant.channels.sms.providers import TwilioProvider
from assistant.channels.sms.reminders import send_due_reminders
from assistant.channels.sms.sender import SmsSender
from assistant.channels.sms.outbox import Outbox
from tests.sms.conftest import ACCOUNT_SID, AUTH_TOKEN, CLINIC_NUMBER, EJEMPLO_FAMILY, RILEY, channel_settings

RILEY_INDEX, SOFIA_INDEX = 3, 4
REPLY_LINE = "Reply C to confirm, R to reschedule, X to cancel"


def book(sms, patient_index: int, days_ahead: int = 4) -> dict:
    """Book the first open slot `days_ahead` days out for a seeded patient; return it."""
    server = sms.server
    headers = server.headers_for(server.patients[patient_index])
    start = (dt.date.today() + dt.timedelta(days=days_ahead)).isoformat()
    slots = httpx.get(f"{server.base_url}/v1/slots", headers=headers,
                      params={"start_date": start, "limit": 1}, timeout=10).json()["slots"]
    response = httpx.post(f"{server.base_url}/v1/appointments", headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
                          json={"slot_id": slots[0]["slot_id"]}, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()


def run_job(sms, at: dt.datetime):
    return send_due_reminders(sms.channel.api, sms.channel.sender, sms.channel.settings, at)


def day_before(appointment: dict) -> dt.datetime:
    return dt.datetime.fromisoformat(appointment["start"]) - dt.timedelta(hours=23)


def test_reminder_is_sent_once_per_window(sms):
    appointment = book(sms, RILEY_INDEX)

    first = run_job(sms, day_before(appointment))
    after_first = sms.replies(RILEY)
    second = run_job(sms, day_before(appointment) + dt.timedelta(minutes=5))

    text = " ".join(after_first)
    assert first.sent == 1
    assert second.sent == 0
    assert sms.replies(RILEY) == []
    assert REPLY_LINE in text
    assert appointment["site_name"] in text
    assert "https://portal.example.com/" in text


def test_both_windows_are_sent(sms):
    appointment = book(sms, RILEY_INDEX)
    start = dt.datetime.fromisoformat(appointment["start"])

    early = run_job(sms, start - dt.timedelta(hours=71))
    late = run_job(sms, start - dt.timedelta(hours=23))

    assert early.sent == 1
    assert late.sent == 1


def test_nothing_due_outside_windows(sms):
    appointment = book(sms, RILEY_INDEX, days_ahead=6)

    result = run_job(sms, dt.datetime.fromisoformat(appointment["start"]) - dt.timedelta(hours=100))

    assert result.sent == 0


def test_web_patients_get_no_reminder(sms):
    appointment = book(sms, 0)

    assert run_job(sms, day_before(appointment)).sent == 0


def test_opt_out_stops_due_reminder(sms):
    appointment = book(sms, RILEY_INDEX)
    sms.text(RILEY, "STOP")

    stopped = run_job(sms, day_before(appointment))
    sms.text(RILEY, "START")
    resumed = run_job(sms, day_before(appointment))

    assert stopped.sent == 0
    assert resumed.sent == 1


def test_spanish_patient_gets_spanish_reminder(sms):
    appointment = book(sms, SOFIA_INDEX)

    run_job(sms, day_before(appointment))

    text = " ".join(sms.replies(EJEMPLO_FAMILY))
    assert "cita el" in text
    assert "Responda C para confirmar" in text


def test_confirm_reply_needs_verification(sms):
    appointment = book(sms, RILEY_INDEX)
    run_job(sms, day_before(appointment))
    sms.replies(RILEY)

    asked = sms.text(RILEY, "C")
    confirmed = sms.text(RILEY, "Riley 06/21/2015")

    assert "date of birth" in asked[0]
    assert confirmed[0].startswith("Thank you, you're verified.")
    assert "is confirmed" in confirmed[1]
    assert appointment["site_name"] in confirmed[1]


def test_cancel_reply_asks_then_cancels(sms):
    appointment = book(sms, RILEY_INDEX)
    run_job(sms, day_before(appointment))
    sms.text(RILEY, "Riley 06/21/2015")

    question = sms.text(RILEY, "x")
    done = sms.text(RILEY, "yes")

    status = httpx.get(f"{sms.server.base_url}/v1/appointments/{appointment['id']}",
                       headers=sms.server.headers_for(sms.server.patients[RILEY_INDEX]), timeout=10).json()["status"]
    assert question[0].startswith("Cancel your appointment")
    assert "is cancelled" in done[0]
    assert status == "cancelled"


def test_cancel_reply_no_keeps_appointment(sms):
    appointment = book(sms, RILEY_INDEX)
    run_job(sms, day_before(appointment))
    sms.text(RILEY, "Riley 06/21/2015")

    sms.text(RILEY, "X")
    kept = sms.text(RILEY, "no")

    assert "is kept" in kept[0]


def test_reminder_through_fake_twilio(sms, fake_twilio, tmp_path):
    appointment = book(sms, RILEY_INDEX)
    provider = TwilioProvider(ACCOUNT_SID, AUTH_TOKEN, from_number=CLINIC_NUMBER, base_url=fake_twilio.base_url)
    sender = SmsSender(provider, Outbox(), "https://portal.example.com/")

    result = send_due_reminders(sms.channel.api, sender, channel_settings(tmp_path), day_before(appointment))

    assert result.sent == 1
    assert fake_twilio.requests[0].form["To"] == [RILEY]
    assert REPLY_LINE in fake_twilio.requests[0].form["Body"][0]


def test_failed_send_is_retried_later(sms, fake_twilio, tmp_path):
    appointment = book(sms, RILEY_INDEX)
    broken = TwilioProvider(ACCOUNT_SID, "wrong-token", from_number=CLINIC_NUMBER, base_url=fake_twilio.base_url)
    working = TwilioProvider(ACCOUNT_SID, AUTH_TOKEN, from_number=CLINIC_NUMBER, base_url=fake_twilio.base_url)
    settings = channel_settings(tmp_path)

    failed = send_due_reminders(sms.channel.api, SmsSender(broken, Outbox(), "x"), settings, day_before(appointment))
    retried = send_due_reminders(sms.channel.api, SmsSender(working, Outbox(), "x"), settings, day_before(appointment))

    assert failed.failed == 1
    assert retried.sent == 1
