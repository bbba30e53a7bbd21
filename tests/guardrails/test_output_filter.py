"""Output filter: other people's PHI, and minimum necessary on SMS."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "text",
    [
        "You're booked with Dr. Ana Lee on Tuesday at 3pm at Riverside Clinic, Maria.",
        "I'll text 555-201-7788 and email maria.garcia@example.com.",
        "Your dermatology consult is on Friday at 10:30.",
    ],
)
def test_patient_own_reply_unchanged(guardrails, patient, text):
    verdict = guardrails.filter_output(text, patient, "web")
    assert verdict.text == text
    assert not verdict.blocked
    assert not verdict.redacted


@pytest.mark.parametrize(
    ("text", "leak"),
    [
        ("Booked. Note that Linh Nguyen is also on Tuesday.", "Nguyen"),
        ("You can also reach 555-404-1234.", "404-1234"),
        ("Copy sent to jdoe@example.org.", "jdoe@example.org"),
    ],
)
def test_foreign_phi_redacted(guardrails, patient, text, leak):
    verdict = guardrails.filter_output(text, patient, "web")
    assert leak not in verdict.text
    assert verdict.redacted
    assert not verdict.blocked
    assert any(reason.startswith("foreign_phi:") for reason in verdict.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "John Smith, DOB 02/02/1970, is booked at 3pm.",
        "His MRN is 00456789.",
        "SSN on file: 123-45-6789.",
        "Linh Nguyen is at 3pm, Tomasz Wójcik at 4pm and Ngozi Okafor at 5pm.",
    ],
)
def test_foreign_sensitive_phi_blocked(guardrails, patient, text):
    verdict = guardrails.filter_output(text, patient, "web")
    assert verdict.blocked
    assert verdict.handoff
    assert "can't share" in verdict.text


@pytest.mark.parametrize(
    ("text", "removed"),
    [
        ("Your oncology appointment is Tuesday at 3pm at Riverside Clinic.", "oncology"),
        ("Booked with Dr. Ana Lee (Psychiatry) Friday 9am at Northgate Family Health.", "Psychiatry"),
        ("See you Monday at 8am for your colonoscopy follow-up.", "colonoscopy"),
        ("Your dermatology consult is on Friday at 10:30.", "dermatology consult"),
        ("Reminder: prenatal visit Dec 9 at 2pm.", "prenatal"),
    ],
)
def test_sms_minimum_necessary(guardrails, patient, text, removed):
    verdict = guardrails.filter_output(text, patient, "sms")
    assert removed.lower() not in verdict.text.lower()
    assert verdict.redacted
    assert "sms_minimum_necessary" in verdict.reasons


def test_sms_keeps_date_time_site(guardrails, patient):
    verdict = guardrails.filter_output("Your oncology appointment is Tuesday at 3pm at Riverside Clinic.", patient, "sms")
    assert verdict.text == "Your appointment is Tuesday at 3pm at Riverside Clinic."


def test_sms_clinical_content_sends_portal_link(guardrails, patient):
    verdict = guardrails.filter_output("Your results show your medication needs a change.", patient, "sms")
    assert verdict.blocked
    assert "https://portal.example.org" in verdict.text


def test_web_keeps_specialty(guardrails, patient):
    text = "Your oncology appointment is Tuesday at 3pm."
    assert guardrails.filter_output(text, patient, "web").text == text
