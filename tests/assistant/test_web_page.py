"""The patient chat page in Chromium, against the whole web app on SQLite over real HTTP.

Each test signs a seeded demo patient in through the page with the portal password, plus a TOTP
code when the patient turned TOTP on. It checks the text the page shows, and for bookings also
the appointment state in the scheduling API afterwards. Screenshots of the sign-in steps go to
SCREENSHOT_DIR.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyotp
import pytest

from scheduling.seed import DEMO_PATIENT_PASSWORD
from tests.fixtures.web import CONVERSATION_TTL_SECONDS, WebAppServer, sign_in_patient

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/chat-page-screenshots"))
# Patient sessions end after PATIENT_IDLE_MINUTES (default 15) without a request.
PATIENT_IDLE_SECONDS = 15 * 60
# ACCOUNT_FAILURE_LIMIT default: this many wrong passwords lock the email for LOCKOUT_BASE_SECONDS.
ACCOUNT_FAILURE_LIMIT = 5
LOCKOUT_BASE_SECONDS = 60


def submit_sign_in(page, email: str, password: str) -> None:
    """Fill and submit the sign-in form on the open page, finding each field by its label."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in_error(page) -> str:
    """Wait for the sign-in form's error and return its text."""
    error = page.locator("#sign-in-error")
    error.wait_for(state="visible")
    return error.inner_text()


def failed_sign_in(page, email: str, password: str) -> str:
    """Submit the sign-in form, wait until the page has handled the response, return the error."""
    with page.expect_response(lambda response: response.url.endswith("/auth/patient/sign-in")):
        submit_sign_in(page, email, password)
    page.wait_for_function("!document.querySelector('#sign-in-button').disabled")
    return sign_in_error(page)


def screenshot(page, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / name), full_page=True)


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

    sign_in_patient(page, web_app_server, web_app_server.patients[0])
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


def test_wrong_password_hides_which_field(browser_page, web_app_server):
    page = browser_page
    patient = web_app_server.patients[0]
    attempts = [
        (patient.email, DEMO_PATIENT_PASSWORD + "-wrong"),
        ("nobody.here@example.com", DEMO_PATIENT_PASSWORD),
    ]

    page.goto(web_app_server.base_url + "/")
    screenshot(page, "sign-in.png")
    messages = []
    for email, password in attempts:
        messages.append(failed_sign_in(page, email, password))
        assert page.locator("#chat").is_hidden()
        assert page.get_by_role("button", name="Sign in").is_enabled()
        assert page.get_by_label("Password").input_value() == ""
    screenshot(page, "sign-in-wrong-password.png")

    assert messages[0] == messages[1]
    assert messages[0] == "The email or password is incorrect. Check both and try again."
    submit_sign_in(page, patient.email.upper(), DEMO_PATIENT_PASSWORD)
    page.locator("#chat").wait_for(state="visible")
    assert page.locator("#sign-in-error").is_hidden()
    assert page.get_by_label("Password").input_value() == ""


def test_locked_account_shows_wait(browser_page, web_app_server):
    page = browser_page
    patient = web_app_server.patients[2]
    page.goto(web_app_server.base_url + "/")
    for _ in range(ACCOUNT_FAILURE_LIMIT):
        message = failed_sign_in(page, patient.email, "not-the-portal-password")
        assert message.startswith("The email or password is incorrect.")

    # Locked now, so even the right password is rejected before it is checked.
    with page.expect_response(lambda response: response.url.endswith("/auth/patient/sign-in")) as answer:
        submit_sign_in(page, patient.email, DEMO_PATIENT_PASSWORD)
    message = sign_in_error(page)
    screenshot(page, "sign-in-locked.png")

    assert answer.value.status == 429
    retry_after = int(answer.value.headers["retry-after"])
    assert LOCKOUT_BASE_SECONDS - 2 <= retry_after <= LOCKOUT_BASE_SECONDS
    wait = "1 minute" if retry_after == 60 else f"{retry_after} seconds"
    assert message == (f"Too many failed sign-in attempts. Wait {wait}, then try again, "
                       "or contact the clinic.")
    assert page.locator("#chat").is_hidden()
    assert page.get_by_role("button", name="Sign in").is_enabled()


def test_sign_in_button_busy_while_pending(browser_page, web_app_server):
    page = browser_page
    patient = web_app_server.patients[0]
    held_routes = []
    page.route("**/auth/patient/sign-in", lambda route: held_routes.append(route))
    page.goto(web_app_server.base_url + "/")
    submit_sign_in(page, patient.email, DEMO_PATIENT_PASSWORD)
    page.wait_for_function("document.querySelector('#sign-in-button').disabled")

    button = page.locator("#sign-in-button")
    assert len(held_routes) == 1
    assert button.inner_text() == "Signing in…"
    assert page.get_by_label("Password").input_value() == ""

    held_routes[0].continue_()
    page.locator("#chat").wait_for(state="visible")
    assert button.is_enabled()
    assert button.inner_text() == "Sign in"


def test_totp_patient_signs_in_with_code(browser_page, web_app_server):
    page = browser_page
    patient = web_app_server.patients[2]
    secret = web_app_server.enable_patient_totp(patient)
    totp = pyotp.TOTP(secret)
    now = dt.datetime.now(dt.timezone.utc)
    valid_codes = {totp.at(now + dt.timedelta(seconds=offset)) for offset in (-30, 0, 30)}
    wrong_code = next(code for code in ("123456", "654321", "111111") if code not in valid_codes)

    page.goto(web_app_server.base_url + "/")
    submit_sign_in(page, patient.email, DEMO_PATIENT_PASSWORD)
    code_field = page.get_by_label("Authentication code")
    code_field.wait_for()
    assert page.locator("#sign-in").is_hidden()
    assert page.evaluate("document.activeElement.id") == "totp-code"
    screenshot(page, "sign-in-totp.png")

    code_field.fill(wrong_code)
    page.get_by_role("button", name="Verify").click()
    error = page.locator("#mfa-error")
    error.wait_for(state="visible")
    assert "wrong" in error.inner_text()
    assert page.locator("#chat").is_hidden()

    code_field.fill(web_app_server.totp_code(patient.email))
    page.get_by_role("button", name="Verify").click()
    page.locator("#chat").wait_for(state="visible")
    assert page.locator("#mfa").is_hidden()
    assert len(assistant_replies(page)) == 1
    reply = say(page, "what appointments do I have")
    assert "appointment" in reply.lower()


def test_totp_cancel_returns_to_password(browser_page, web_app_server):
    page = browser_page
    patient = web_app_server.patients[2]
    web_app_server.enable_patient_totp(patient)
    page.goto(web_app_server.base_url + "/")
    submit_sign_in(page, patient.email, DEMO_PATIENT_PASSWORD)
    page.get_by_label("Authentication code").wait_for()

    page.get_by_role("button", name="Cancel").click()
    page.locator("#sign-in").wait_for(state="visible")
    assert page.locator("#mfa").is_hidden()
    assert page.get_by_label("Email").input_value() == patient.email
    assert page.evaluate("document.activeElement.id") == "password"


def test_sign_out_ends_session(browser_page, web_app_server):
    page = browser_page
    patient = web_app_server.patients[0]
    page.goto(web_app_server.base_url + "/")
    with page.expect_response(lambda response: response.url.endswith("/auth/patient/sign-in")) as answer:
        submit_sign_in(page, patient.email, DEMO_PATIENT_PASSWORD)
    token = answer.value.json()["session_token"]
    page.locator("#chat").wait_for(state="visible")
    page.get_by_label("Message").fill("a draft the next person must not see")

    with page.expect_response(lambda response: response.url.endswith("/auth/sign-out")):
        page.get_by_role("button", name="Sign out").click()

    assert page.locator("#chat").is_hidden()
    assert page.get_by_label("Email").input_value() == ""
    assert page.locator("#log li").count() == 0
    assert page.get_by_label("Message").input_value() == ""
    me = httpx.get(web_app_server.scheduling_url + "/v1/patients/me",
                   headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert me.status_code == 401


def test_empty_message_is_not_sent(browser_page, web_app_server):
    page = browser_page
    posts = count_message_posts(page)
    sign_in_patient(page, web_app_server, web_app_server.patients[0])
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
    sign_in_patient(page, web_app_server, web_app_server.patients[0])
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
    sign_in_patient(page, web_app_server, web_app_server.patients[0])
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


def test_idle_session_keeps_draft(browser_page, web_app_server):
    page = browser_page
    patient = web_app_server.patients[0]
    sign_in_patient(page, web_app_server, patient)
    offers = say(page, "I need a checkup next Tuesday morning")
    assert "2." in offers
    web_app_server.scheduling_clock.advance(PATIENT_IDLE_SECONDS + 1)

    message = page.get_by_label("Message")
    message.fill("the second one")
    message.press("Enter")

    assert "sign in again" in sign_in_error(page).lower()
    screenshot(page, "sign-in-expired.png")
    assert page.locator("#chat").is_hidden()
    # The conversation is off the page until the patient signs in again.
    assert page.locator("#log li").count() == 0
    assert page.get_by_label("Email").input_value() == patient.email
    assert page.evaluate("document.activeElement.id") == "password"

    page.get_by_label("Password").fill(DEMO_PATIENT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.locator("#chat").wait_for(state="visible")
    assert page.locator("#sign-in").is_hidden()
    assert message.input_value() == "the second one"
    assert assistant_replies(page)[1] == offers
    assert page.locator("#log li.not-sent").count() == 1
    assert "signed in again" in page.locator("#log li.notice").last.inner_text()
    screenshot(page, "chat-resumed.png")

    summary = say(page, message.input_value())
    assert summary.startswith("Book ")
    assert page.locator("#chat-error").is_hidden()


def test_other_patient_after_expiry_starts_fresh(browser_page, web_app_server):
    page = browser_page
    first, second = web_app_server.patients[0], web_app_server.patients[2]
    sign_in_patient(page, web_app_server, first)
    say(page, "I need a checkup next Tuesday morning")
    web_app_server.scheduling_clock.advance(PATIENT_IDLE_SECONDS + 1)
    message = page.get_by_label("Message")
    message.fill("the second one")
    message.press("Enter")
    sign_in_error(page)

    submit_sign_in(page, second.email, DEMO_PATIENT_PASSWORD)
    page.locator("#chat").wait_for(state="visible")

    assert page.locator("#log li").count() == 1
    assert len(assistant_replies(page)) == 1
    assert message.input_value() == ""
    assert "Tuesday" not in page.locator("#log").inner_text()


def test_waiting_state_while_reply_pending(browser_page, web_app_server):
    page = browser_page
    sign_in_patient(page, web_app_server, web_app_server.patients[0])
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
