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


def test_staff_reply_to_texting_patient_is_texted(handoff_server):
    from scheduling.security import issue_patient_token
    from tests.handoff.test_staff_api import post, queue_entry

    outbox = Outbox()
    settings = SmsChannelSettings(SMS_CHANNEL_SECRET="c" * 40, SMS_PROVIDER="local")
    install_sms(web_app(handoff_server), handoff_server.service, settings=settings, outbox=outbox)
    patient = handoff_server.patients[0]
    token = issue_patient_token(patient.id, patient.organization_id, handoff_server.settings)
    conversation = handoff_server.service.start(token, channel="sms", reply_to="+14085550101")
    handoff_server.service.handle(conversation.id, token, "I need to talk to someone")
    staff = handoff_server.staff_token(FRONT_DESK)
    escalation = queue_entry(handoff_server, staff, conversation.id)
    post(handoff_server, f"/api/staff/escalations/{escalation['id']}/claim", staff)

    sent = post(handoff_server, f"/api/staff/conversations/{conversation.id}/messages", staff,
                json={"text": "Hi, this is the front desk. We can see you Tuesday."})

    assert sent.status_code == 201, sent.text
    texts = [message for message in outbox.messages(to="+14085550101") if message.kind == "staff"]
    assert [message.body for message in texts] == ["Hi, this is the front desk. We can see you Tuesday."]
