"""The patient chat page in Chromium, against the whole web app on SQLite over real HTTP.

Each test signs a seeded demo patient in through the page and checks the text the page shows, and
for bookings also the appointment state in the scheduling API afterwards.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fixtures.services import DemoPatient
from tests.fixtures.web import CONVERSATION_TTL_SECONDS, WebAppServer, start_web_app_server

pytestmark = pytest.mark.browser

SHORT_TOKEN_TTL_SECONDS = 4


def sign_in(page, base_url: str, email: str, date_of_birth: str) -> None:
    """Open the page and submit the sign-in form."""
    page.goto(base_url + "/")
    submit_sign_in(page, email, date_of_birth)


def submit_sign_in(page, email: str, date_of_birth: str) -> None:
    """Fill and submit the sign-in form on the open page, finding each field by its label."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Date of birth").fill(date_of_birth)
    page.get_by_role("button", name="Sign in").click()


def sign_in_as(page, server: WebAppServer, patient: DemoPatient) -> None:
    sign_in(page, server.base_url, patient.email, patient.date_of_birth.isoformat())
    page.locator("#chat").wait_for(state="visible")


def assistant_replies(page) -> list[str]:
    return page.locator("#log li.assistant .text").all_inner_texts()


def say(page, text: str) -> str:
    """Type `text`, press Enter and return the assistant's next reply as shown."""
    before = page.locator("#log li.assistant").count()
    page.get_by_label("Message").fill(text)
    page.get_by_label("Message").press("Enter")
    page.locator("#log li.assistant").nth(before).wait_for()
    return assistant_replies(page)[before]


def count_message_posts(page) -> list[str]:
    """Record the URL of every POST to the chat messages endpoint that the page sends."""
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url)
            if request.method == "POST" and request.url.endswith("/messages") else None)
    return posts


@pytest.fixture
def patient_api(web_app_server: WebAppServer) -> Iterator[httpx.Client]:
    """Scheduling API client for the first seeded patient, the one the flow tests sign in."""
    patient = web_app_server.patients[0]
    with httpx.Client(base_url=web_app_server.scheduling_url, timeout=10,
                      headers=web_app_server.headers_for(patient)) as client:
        yield client


def appointments(api: httpx.Client, **params) -> list[dict]:
    response = api.get("/v1/appointments", params=params)
    assert response.status_code == 200, response.text
    return response.json()["appointments"]


def appointment(api: httpx.Client, appointment_id: int) -> dict:
    response = api.get(f"/v1/appointments/{appointment_id}")
    assert response.status_code == 200, response.text
    return response.json()


def reschedule_day(api: httpx.Client, booked: dict) -> dt.date:
    """Return a later day on which the booked provider has an opening near the booked time.

    The assistant keeps the provider, site and type when it moves an appointment and searches
    about an hour either side of the old start, so the day is picked with the same filters.
    """
    start = dt.datetime.fromisoformat(booked["start"])
    params = {
        "provider_id": booked["provider_id"],
        "site_id": booked["site_id"],
        "appointment_type_id": booked["appointment_type_id"],
        "start_date": (start.date() + dt.timedelta(days=1)).isoformat(),
        "end_date": (start.date() + dt.timedelta(days=7)).isoformat(),
        "after": f"{max(start.hour - 1, 0):02d}:{start.minute:02d}",
        "before": f"{min(start.hour + 1, 23):02d}:{start.minute:02d}",
        "limit": 1,
    }
    response = api.get("/v1/slots", params=params)
    assert response.status_code == 200, response.text
    slots = response.json()["slots"]
    assert slots, f"the seed has no opening to move the appointment to for {params}"
    return dt.datetime.fromisoformat(slots[0]["start"]).date()


def test_book_reschedule_cancel(browser_page, web_app_server, patient_api):
    page = browser_page
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))

    sign_in_as(page, web_app_server, web_app_server.patients[0])
    assert page.evaluate("document.activeElement.id") == "message"
    assert len(assistant_replies(page)) == 1

    offers = say(page, "I need a checkup next Tuesday morning")
    assert "1." in offers
    assert "2." in offers
    assert "General check-up" in offers
    summary = say(page, "the second one")
    assert summary.startswith("Book ")
    assert appointments(patient_api) == []
    booked_reply = say(page, "yes")
    assert "booked" in booked_reply.lower()

    booked = appointments(patient_api)
    assert len(booked) == 1
    first = booked[0]
    assert first["status"] == "booked"
    assert first["appointment_type_name"] == "General check-up"
    assert dt.datetime.fromisoformat(first["start"]).weekday() == 1
    assert first["provider_name"] in booked_reply

    listing = say(page, "what appointments do I have")
    assert first["provider_name"] in listing

    question = say(page, "reschedule my appointment")
    assert "move" in question.lower()
    day = reschedule_day(patient_api, first)
    new_offers = say(page, f"{day:%B} {day.day}")
    assert "1." in new_offers
    assert f"{day:%b} {day.day}," in new_offers
    move_summary = say(page, "the first one")
    assert move_summary.startswith("Move ")
    assert appointment(patient_api, first["id"])["status"] == "booked"
    moved_reply = say(page, "yes")
    assert "moved" in moved_reply.lower()

    old = appointment(patient_api, first["id"])
    assert old["status"] == "cancelled"
    current = appointments(patient_api, status="booked")
    assert len(current) == 1
    second = current[0]
    assert second["id"] != first["id"]
    assert second["rescheduled_from_id"] == first["id"]
    assert old["rescheduled_to_id"] == second["id"]
    assert dt.datetime.fromisoformat(second["start"]).date() == day

    cancel_question = say(page, "cancel my appointment")
    assert cancel_question.startswith("Cancel ")
    assert appointment(patient_api, second["id"])["status"] == "booked"
    cancelled_reply = say(page, "yes")
    assert "cancelled" in cancelled_reply.lower()
    assert appointment(patient_api, second["id"])["status"] == "cancelled"
    assert appointments(patient_api, status="booked") == []

    patient_bubbles = page.locator("#log li.patient .text").all_inner_texts()
    assert patient_bubbles[0] == "I need a checkup next Tuesday morning"
    assert patient_bubbles[-1] == "yes"
    assert page.locator("#log li.not-sent").count() == 0
    assert page.locator("#chat-error").is_hidden()
    assert page_errors == []


def test_wrong_sign_in_hides_which_field(browser_page, web_app_server):
    page = browser_page
    patient = web_app_server.patients[0]
    wrong_birthday = (patient.date_of_birth + dt.timedelta(days=1)).isoformat()
    attempts = [
        (patient.email, wrong_birthday),
        ("nobody.here@example.com", patient.date_of_birth.isoformat()),
    ]

    messages = []
    for email, date_of_birth in attempts:
        sign_in(page, web_app_server.base_url, email, date_of_birth)
        error = page.locator("#sign-in-error")
        error.wait_for(state="visible")
        messages.append(error.inner_text())
        assert page.locator("#chat").is_hidden()
        assert page.get_by_role("button", name="Sign in").is_enabled()

    assert messages[0] == messages[1]
    assert "do not match" in messages[0]
    sign_in(page, web_app_server.base_url, patient.email.upper(), patient.date_of_birth.isoformat())
    page.locator("#chat").wait_for(state="visible")
    assert page.locator("#sign-in-error").is_hidden()


def test_empty_message_is_not_sent(browser_page, web_app_server):
    page = browser_page
    posts = count_message_posts(page)
    sign_in_as(page, web_app_server, web_app_server.patients[0])
    message = page.get_by_label("Message")

    message.fill("")
    message.press("Enter")
    message.fill("   ")
    message.press("Enter")
    page.get_by_role("button", name="Send").click()
    page.wait_for_timeout(300)

    assert posts == []
    assert page.locator("#log li").count() == 1
    assert page.locator("#chat-error").is_hidden()
    say(page, "what appointments do I have")
    assert len(posts) == 1


def test_typed_text_kept_when_server_is_down(browser_page, web_app_server):
    page = browser_page
    sign_in_as(page, web_app_server, web_app_server.patients[0])
    web_app_server.stop()

    message = page.get_by_label("Message")
    message.fill("I need a checkup next Tuesday morning")
    message.press("Enter")

    error = page.locator("#chat-error")
    error.wait_for(state="visible")
    assert "could not be reached" in error.inner_text()
    assert message.input_value() == "I need a checkup next Tuesday morning"
    assert page.locator("#log li.not-sent").count() == 1
    assert page.get_by_role("button", name="Send").is_enabled()
    assert page.locator("#typing").is_hidden()
    assert page.evaluate("document.activeElement.id") == "message"


def test_typed_text_kept_when_conversation_expired(browser_page, web_app_server):
    page = browser_page
    sign_in_as(page, web_app_server, web_app_server.patients[0])
    web_app_server.store_clock.advance(CONVERSATION_TTL_SECONDS + 1)

    message = page.get_by_label("Message")
    message.fill("what appointments do I have")
    message.press("Enter")

    notice = page.locator("#log li.notice")
    notice.wait_for()
    assert "expired" in notice.inner_text()
    page.locator("#log li.assistant").nth(1).wait_for()
    assert message.input_value() == "what appointments do I have"
    assert page.locator("#log li.not-sent").count() == 1
    reply = say(page, message.input_value())
    assert "appointment" in reply.lower()
    assert page.locator("#chat-error").is_hidden()


def test_expired_token_asks_to_sign_in_again(browser_page, tmp_path: Path):
    page = browser_page
    with start_web_app_server(tmp_path / "short-token",
                              token_ttl_seconds=SHORT_TOKEN_TTL_SECONDS) as server:
        patient = server.patients[0]
        sign_in_as(page, server, patient)
        signed_in_at = time.monotonic()
        message = page.get_by_label("Message")
        message.fill("what appointments do I have")
        time.sleep(max(0.0, SHORT_TOKEN_TTL_SECONDS + 0.2 - (time.monotonic() - signed_in_at)))
        message.press("Enter")

        error = page.locator("#sign-in-error")
        error.wait_for(state="visible")
        assert "sign in again" in error.inner_text().lower()
        assert page.locator("#chat").is_hidden()
        assert page.evaluate("document.activeElement.id") == "email"

        submit_sign_in(page, patient.email, patient.date_of_birth.isoformat())
        page.locator("#chat").wait_for(state="visible")
        # No turn is sent after this sign-in, because a turn can outlast the short token.
        assert message.input_value() == "what appointments do I have"
        assert page.locator("#log li").count() == 1
        assert page.locator("#sign-in").is_hidden()


def test_waiting_state_while_reply_pending(browser_page, web_app_server):
    page = browser_page
    sign_in_as(page, web_app_server, web_app_server.patients[0])
    held_routes = []
    page.route("**/api/conversations/*/messages", lambda route: held_routes.append(route))

    message = page.get_by_label("Message")
    message.fill("what appointments do I have")
    message.press("Enter")
    page.wait_for_function("document.querySelector('#log li.patient') !== null")
    page.wait_for_timeout(100)

    send = page.locator("#send")
    assert len(held_routes) == 1
    assert page.get_by_role("status").inner_text() == "The assistant is typing…"
    assert send.is_disabled()
    assert page.locator("#log").get_attribute("aria-busy") == "true"
    assert message.input_value() == ""
    message.fill("yes")
    message.press("Enter")
    page.wait_for_timeout(100)
    assert len(held_routes) == 1

    held_routes[0].continue_()
    page.locator("#log li.assistant").nth(1).wait_for()
    assert page.locator("#typing").is_hidden()
    assert send.is_enabled()
    assert page.locator("#log").get_attribute("aria-busy") is None
    assert message.input_value() == "yes"
    assert page.evaluate("document.activeElement.id") == "message"
