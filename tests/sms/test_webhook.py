"""The inbound webhook: Twilio signatures, tampering, replays and the audit events."""

from __future__ import annotations

import pytest

from scheduling import events
from tests.sms.conftest import CASEY, PUBLIC_URL, WEBHOOK_URL, message_sid, twilio_signature


@pytest.fixture
def emitted():
    captured: list[tuple[str, dict]] = []
    remove = events.add_sink(lambda name, fields: captured.append((name, fields)))
    yield captured
    remove()


def rejections(emitted) -> list[dict]:
    return [fields for name, fields in emitted if name == "sms.webhook_rejected"]


def test_signed_request_gets_empty_twiml(sms):
    response = sms.post(sms.inbound(CASEY, "hello"))

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert response.text == '<?xml version="1.0" encoding="UTF-8"?><Response/>'
    assert len(sms.replies(CASEY)) == 1


def test_unsigned_request_is_rejected(sms, emitted):
    params = sms.inbound(CASEY, "hello")

    response = sms.post(params, signature=None)

    assert response.status_code == 403
    assert sms.replies(CASEY) == []
    assert rejections(emitted) == [{"rejection": "unsigned", "message_sid": params["MessageSid"], "alert": True}]


def test_tampered_body_is_rejected(sms, emitted):
    params = sms.inbound(CASEY, "hello")
    signature = twilio_signature(WEBHOOK_URL, params)
    params["Body"] = "cancel my appointment"

    response = sms.post(params, signature=signature)

    assert response.status_code == 403
    assert sms.replies(CASEY) == []
    assert rejections(emitted)[0]["rejection"] == "invalid_signature"


def test_signature_over_host_header_is_rejected(sms):
    params = sms.inbound(CASEY, "hello")
    # Signed for the URL the client claims in Host, not the configured public URL.
    signature = twilio_signature("https://attacker.example.com/sms/twilio/inbound", params)

    response = sms.post(params, signature=signature, headers={"Host": "attacker.example.com"})

    assert response.status_code == 403


def test_signature_with_wrong_token_is_rejected(sms):
    params = sms.inbound(CASEY, "hello")

    response = sms.post(params, signature=twilio_signature(WEBHOOK_URL, params, token="other-token"))

    assert response.status_code == 403


def test_other_account_is_rejected(sms, emitted):
    params = sms.inbound(CASEY, "hello")
    params["AccountSid"] = "AC" + "9" * 32

    response = sms.post(params)

    assert response.status_code == 403
    assert rejections(emitted)[0]["rejection"] == "wrong_account"


def test_duplicate_delivery_is_processed_once(sms, emitted):
    params = sms.inbound(CASEY, "hello", sid=message_sid())

    first = sms.post(params)
    second = sms.post(params)

    assert first.status_code == 200
    assert second.status_code == 200
    assert len(sms.replies(CASEY)) == 1
    assert rejections(emitted) == []
    assert [fields for name, fields in emitted if name == "sms.webhook_duplicate"] == [
        {"message_sid": params["MessageSid"]}]


def test_query_string_is_part_of_signed_url(sms):
    params = sms.inbound(CASEY, "hello")
    signature = twilio_signature(PUBLIC_URL + "/sms/twilio/inbound?clinic=1", params)

    from urllib.parse import urlencode
    response = sms.client.post("/sms/twilio/inbound?clinic=1", content=urlencode(params),
                               headers={"X-Twilio-Signature": signature,
                                        "Content-Type": "application/x-www-form-urlencoded"})

    assert response.status_code == 200


def test_rejection_events_hold_no_phi(sms, emitted):
    sms.post(sms.inbound(CASEY, "my birthday is 01/05/1999"), signature="bogus")

    for fields in rejections(emitted):
        assert set(fields) <= {"rejection", "message_sid", "alert"}
