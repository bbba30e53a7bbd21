"""The Twilio REST provider against a fake Twilio API on 127.0.0.1."""

from __future__ import annotations

import base64

import pytest

from assistant.channels.sms.providers import SmsSendError, TwilioProvider
from tests.sms.conftest import ACCOUNT_SID, AUTH_TOKEN, CASEY, CLINIC_NUMBER


def test_send_posts_form_with_basic_auth(fake_twilio):
    provider = TwilioProvider(ACCOUNT_SID, AUTH_TOKEN, from_number=CLINIC_NUMBER, base_url=fake_twilio.base_url)

    sid = provider.send(CASEY, "Your appointment is confirmed.")

    request = fake_twilio.requests[0]
    credentials = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
    assert sid.startswith("SM")
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert request.headers["Authorization"] == f"Basic {credentials}"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.form == {"To": [CASEY], "From": [CLINIC_NUMBER], "Body": ["Your appointment is confirmed."]}


def test_messaging_service_replaces_from(fake_twilio):
    service_sid = "MG" + "1" * 32
    provider = TwilioProvider(ACCOUNT_SID, AUTH_TOKEN, messaging_service_sid=service_sid,
                              base_url=fake_twilio.base_url)

    provider.send(CASEY, "Hello")

    form = fake_twilio.requests[0].form
    assert form["MessagingServiceSid"] == [service_sid]
    assert "From" not in form


def test_bad_credentials_raise_with_code(fake_twilio):
    provider = TwilioProvider(ACCOUNT_SID, "wrong-token", from_number=CLINIC_NUMBER, base_url=fake_twilio.base_url)

    with pytest.raises(SmsSendError) as raised:
        provider.send(CASEY, "Hello")

    assert raised.value.code == "20003"


def test_invalid_number_raises_with_code(fake_twilio):
    provider = TwilioProvider(ACCOUNT_SID, AUTH_TOKEN, from_number=CLINIC_NUMBER, base_url=fake_twilio.base_url)

    with pytest.raises(SmsSendError) as raised:
        provider.send("555-0103", "Hello")

    assert raised.value.code == "21211"


def test_unreachable_api_raises():
    provider = TwilioProvider(ACCOUNT_SID, AUTH_TOKEN, from_number=CLINIC_NUMBER, base_url="http://127.0.0.1:9",
                              timeout=2)

    with pytest.raises(SmsSendError, match="did not respond"):
        provider.send(CASEY, "Hello")


def test_sender_number_is_required():
    with pytest.raises(ValueError, match="TWILIO_FROM_NUMBER"):
        TwilioProvider(ACCOUNT_SID, AUTH_TOKEN)
