"""Staff read the SMS channel's outbox in the console; front desk sees only the number's end."""

from __future__ import annotations

from assistant.channels.sms import Outbox, SmsChannelSettings, install_sms
from tests.handoff.test_staff_api import BILLING, CLINICIAN, FRONT_DESK, get


def web_app(server):
    """Return the running FastAPI app of the test server."""
    return server.background._server.config.app


def test_outbox_off_without_sms(handoff_server):
    token = handoff_server.staff_token(FRONT_DESK)

    response = get(handoff_server, "/api/staff/sms-outbox", token)

    assert response.status_code == 200
    assert response.json() == {"enabled": False, "messages": []}


def test_outbox_lists_texts_by_role(handoff_server):
    outbox = Outbox()
    settings = SmsChannelSettings(SMS_CHANNEL_SECRET="c" * 40, SMS_PROVIDER="local")
    install_sms(web_app(handoff_server), handoff_server.service, settings=settings, outbox=outbox)
    outbox.record("+14085550101", "Your visit is Tue Dec 8, 9:00 AM at Sunnyvale Clinic.", "reply", "local", "sent")
    outbox.record("+14085550101", "Reply C to confirm.", "reminder", "local", "sent")

    front_desk = get(handoff_server, "/api/staff/sms-outbox", handoff_server.staff_token(FRONT_DESK)).json()
    clinician = get(handoff_server, "/api/staff/sms-outbox", handoff_server.staff_token(CLINICIAN)).json()
    billing = get(handoff_server, "/api/staff/sms-outbox", handoff_server.staff_token(BILLING))

    assert front_desk["enabled"] is True
    assert [message["kind"] for message in front_desk["messages"]] == ["reminder", "reply"]
    assert front_desk["messages"][0]["to"] == "***-0101"
    assert clinician["messages"][0]["to"] == "+14085550101"
    assert billing.status_code == 403
