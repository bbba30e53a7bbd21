"""The staff console and the patient's side of a hand-off, in two isolated Chromium contexts.

A patient asks for a person in the chat page; a front-desk member signs in to /staff with
password and TOTP (enrolling from the shown key), sees the escalation arrive without reloading,
claims it, reads the transcript, replies or books, and hands back or resolves.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import httpx
import pyotp
import pytest

from scheduling.seed import DEMO_STAFF_PASSWORD
from tests.fixtures.web import PAGE_TIMEOUT_MS, sign_in_patient

pytestmark = pytest.mark.browser

FRONT_DESK = "front.desk@example.com"
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/handoff-screenshots"))


def open_page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    return context, page


def staff_sign_in(page, base_url: str) -> None:
    """Sign in at /staff with the demo password, enrol TOTP from the shown key, and wait for live updates."""
    page.goto(base_url + "/staff")
    page.get_by_label("Email").fill(FRONT_DESK)
    page.get_by_label("Password").fill(DEMO_STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_alt_text("QR code for your authenticator app").wait_for()
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Authentication code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("button", name="I have saved them").click()
    page.get_by_text("Live updates on").wait_for()


def patient_sign_in(page, server, patient) -> None:
    sign_in_patient(page, server, patient)


def patient_says(page, text: str) -> str:
    before = page.locator("#log li.assistant").count()
    page.get_by_label("Message").fill(text)
    page.get_by_label("Message").press("Enter")
    page.locator("#log li.assistant").nth(before).wait_for()
    return page.locator("#log li.assistant .text").nth(before).inner_text()


def claim_first(staff) -> None:
    item = staff.locator("#queue li").first
    item.wait_for()
    item.get_by_role("button", name="Claim").click()
    staff.locator("#transcript li.patient").first.wait_for()


def next_weekday(days_ahead: int) -> dt.date:
    day = dt.date.today() + dt.timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def test_handoff_reply_and_hand_back(chromium_browser, web_app_server):
    patient = web_app_server.patients[0]
    staff_context, staff = open_page(chromium_browser)
    patient_context, chat = open_page(chromium_browser)
    try:
        staff_sign_in(staff, web_app_server.base_url)
        assert staff.locator("#queue li").count() == 0

        patient_sign_in(chat, web_app_server, patient)
        reply = patient_says(chat, "I need to talk to someone")
        assert "A person will answer you here shortly" in reply

        claim_first(staff)
        transcript = staff.locator("#transcript").inner_text()
        assert "I need to talk to someone" in transcript
        assert staff.locator("#patient-card").inner_text().count("1985-**-**") == 1
        assert patient.email not in staff.locator("body").inner_text()
        staff.get_by_label("Reply to the patient").fill("Hello, this is the front desk. How can I help?")
        staff.get_by_role("button", name="Send reply").click()
        staff.locator("#transcript li.staff").wait_for()

        staff_bubble = chat.locator("#log li.staff")
        staff_bubble.wait_for()
        assert staff_bubble.inner_text().startswith("Clinic staff")
        assert "Hello, this is the front desk." in staff_bubble.inner_text()
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        staff.screenshot(path=str(SCREENSHOT_DIR / "console-claimed.png"), full_page=True)
        chat.screenshot(path=str(SCREENSHOT_DIR / "patient-staff-reply.png"), full_page=True)

        staff.get_by_role("button", name="Hand back to assistant").click()
        chat.get_by_text("passed this chat back to the scheduling assistant").wait_for()
        answer = patient_says(chat, "I need a checkup next tuesday")
        assert "Here are the first openings" in answer
    finally:
        web_app_server.broadcaster.close()
        staff_context.close()
        patient_context.close()


def test_staff_books_for_patient_and_resolves(chromium_browser, web_app_server):
    patient = web_app_server.patients[0]
    staff_context, staff = open_page(chromium_browser)
    patient_context, chat = open_page(chromium_browser)
    try:
        staff_sign_in(staff, web_app_server.base_url)
        patient_sign_in(chat, web_app_server, patient)
        patient_says(chat, "I need to talk to someone")
        claim_first(staff)

        staff.get_by_text("Book or reschedule for this patient").click()
        staff.get_by_label("Date").fill(next_weekday(3).isoformat())
        staff.get_by_label("Time of day").select_option("morning")
        staff.get_by_role("button", name="Find openings").click()
        staff.locator("#slots li").first.get_by_role("button", name="Book").click()
        staff.get_by_text("A reply is drafted").wait_for()
        drafted = staff.get_by_label("Reply to the patient").input_value()
        assert drafted.startswith("I booked you with ")
        staff.get_by_role("button", name="Send reply").click()
        chat.locator("#log li.staff").wait_for()
        assert "I booked you with" in chat.locator("#log li.staff").inner_text()

        staff.get_by_label("Outcome").select_option("booked")
        staff.get_by_role("button", name="Resolve").click()
        chat.get_by_text("The clinic team has closed this request.").wait_for()
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        chat.screenshot(path=str(SCREENSHOT_DIR / "patient-resolved.png"), full_page=True)

        appointments = httpx.get(web_app_server.scheduling_url + "/v1/appointments",
                                 headers=web_app_server.headers_for(patient), timeout=10).json()["appointments"]
        assert [item["status"] for item in appointments] == ["booked"]
    finally:
        web_app_server.broadcaster.close()
        staff_context.close()
        patient_context.close()
