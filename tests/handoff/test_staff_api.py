"""The staff console's API: roles, scope, masking, replies, hand-back, resolve and bad input.

Runs the whole web app over loopback HTTP; staff sign in with password and TOTP through the
mounted scheduling API, and patients chat through the chat API.
"""

from __future__ import annotations

import re

import httpx
import pytest

from tests.handoff.conftest import bearer

FRONT_DESK = "front.desk@example.com"
CLINICIAN = "clinician@example.com"
BILLING = "billing@example.com"
ADMIN = "admin@example.com"
COMPLIANCE = "compliance@example.com"
ASK_FOR_PERSON = "I need to talk to someone"


def get(server, path: str, token: str | None = None, **kwargs) -> httpx.Response:
    headers = bearer(token) if token else {}
    return httpx.get(server.base_url + path, headers=headers, timeout=60, **kwargs)


def post(server, path: str, token: str | None = None, headers: dict | None = None, **kwargs) -> httpx.Response:
    headers = {**(bearer(token) if token else {}), **(headers or {})}
    return httpx.post(server.base_url + path, headers=headers, timeout=60, **kwargs)


def escalate(chat) -> dict:
    turn = chat.say(ASK_FOR_PERSON)
    assert turn["handoff"] is True
    return turn


def queue_entry(server, token: str, conversation_id: str) -> dict:
    response = get(server, "/api/staff/escalations", token)
    assert response.status_code == 200, response.text
    matches = [row for row in response.json()["escalations"] if row["conversation_id"] == conversation_id]
    assert len(matches) == 1
    return matches[0]


def assert_error(response: httpx.Response, status: int, code: str, field: str | None = None) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["field"] == field
    assert error["message"]


def test_summary_is_deidentified(handoff_server, open_patient_chat):
    chat = open_patient_chat(0)
    patient = chat.patient
    chat.say(f"my email is {patient.email}, call me at 408-555-0101, I need a checkup next tuesday")
    escalate(chat)
    token = handoff_server.staff_token(FRONT_DESK)
    summary = queue_entry(handoff_server, token, chat.conversation_id)["summary"]
    assert patient.email not in summary
    assert "555-0101" not in summary
    assert "Jordan" not in summary
    assert "Testwell" not in summary
    assert "<EMAIL_ADDRESS_1>" in summary
    assert "checkup next tuesday" in summary
    assert "find_slots: ok" in summary


def test_queue_lists_urgent_first(handoff_server, open_patient_chat):
    normal = open_patient_chat(0)
    escalate(normal)
    urgent = open_patient_chat(3)
    turn = urgent.say("I have crushing chest pain and I can't breathe")
    assert turn["handoff"] is True
    token = handoff_server.staff_token(ADMIN)
    rows = get(handoff_server, "/api/staff/escalations", token).json()["escalations"]
    assert [row["conversation_id"] for row in rows] == [urgent.conversation_id, normal.conversation_id]
    assert rows[0]["priority"] == "urgent"


@pytest.mark.parametrize("path", ["/api/staff/escalations", "/api/staff/conversations/abc"])
def test_patient_token_is_rejected(handoff_server, path):
    patient_token = handoff_server.token_for(handoff_server.patients[0])
    assert_error(get(handoff_server, path, patient_token), 401, "invalid_session")
    assert_error(get(handoff_server, path), 401, "invalid_session")


def test_patient_token_cannot_reply_or_claim(handoff_server, open_patient_chat):
    chat = open_patient_chat(0)
    escalate(chat)
    patient_token = handoff_server.token_for(chat.patient)
    reply = post(handoff_server, f"/api/staff/conversations/{chat.conversation_id}/messages", patient_token,
                 json={"text": "I am staff now"})
    assert_error(reply, 401, "invalid_session")
    assert_error(post(handoff_server, "/api/staff/escalations/1/claim", patient_token), 401, "invalid_session")
    assert all(entry["role"] != "staff" for entry in chat.updates()["entries"])


def test_transcript_masked_for_front_desk(handoff_server, open_patient_chat, recorded_events):
    chat = open_patient_chat(0)
    chat.say("my phone is 408-555-0101 and my email is jordan.testwell@example.com, "
             "I was born on 1985-04-12")
    escalate(chat)
    token = handoff_server.staff_token(FRONT_DESK)
    response = get(handoff_server, f"/api/staff/conversations/{chat.conversation_id}", token)
    assert response.status_code == 200, response.text
    body = response.json()
    text = " ".join(entry["text"] for entry in body["entries"])
    assert body["view"] == "masked"
    assert "408-555-0101" not in text
    assert "***-***-0101" in text
    assert "jordan.testwell@example.com" not in text
    assert "j***@example.com" in text
    assert "1985-04-12" not in text
    assert "1985-**-**" in text
    assert body["patient"]["masked"] is True
    viewed = [fields for name, fields in recorded_events if name == "handoff.transcript_viewed"]
    assert viewed and viewed[-1]["conversation_id"] == chat.conversation_id
    assert viewed[-1]["view"] == "masked"


def test_transcript_full_for_clinician(handoff_server, open_patient_chat):
    chat = open_patient_chat(0)
    chat.say("my phone is 408-555-0101")
    escalate(chat)
    token = handoff_server.staff_token(CLINICIAN)
    body = get(handoff_server, f"/api/staff/conversations/{chat.conversation_id}", token).json()
    assert body["view"] == "full"
    assert any("408-555-0101" in entry["text"] for entry in body["entries"])


def test_transcript_deidentified_for_compliance(handoff_server, open_patient_chat):
    chat = open_patient_chat(0)
    chat.say("my email is jordan.testwell@example.com")
    escalate(chat)
    token = handoff_server.staff_token(COMPLIANCE)
    body = get(handoff_server, f"/api/staff/conversations/{chat.conversation_id}", token).json()
    text = " ".join(entry["text"] for entry in body["entries"])
    assert body["view"] == "deidentified"
    assert "jordan.testwell@example.com" not in text
    assert re.search(r"<EMAIL_ADDRESS_\d+>", text)
    assert_error(get(handoff_server, "/api/staff/escalations", token), 403, "forbidden")


def test_other_tenant_staff_gets_not_found(handoff_server, open_patient_chat, other_tenant_staff):
    chat = open_patient_chat(0)
    escalate(chat)
    token = handoff_server.staff_token(other_tenant_staff)
    assert_error(get(handoff_server, f"/api/staff/conversations/{chat.conversation_id}", token),
                 404, "conversation_not_found")
    rows = get(handoff_server, "/api/staff/escalations", token).json()["escalations"]
    assert rows == []
    reply = post(handoff_server, f"/api/staff/conversations/{chat.conversation_id}/messages", token,
                 json={"text": "hello"})
    assert_error(reply, 404, "conversation_not_found")


def test_front_desk_other_site_gets_not_found(handoff_server, open_patient_chat):
    chat = open_patient_chat(2)  # Boston; the demo front desk works at Sunnyvale
    escalate(chat)
    token = handoff_server.staff_token(FRONT_DESK)
    assert_error(get(handoff_server, f"/api/staff/conversations/{chat.conversation_id}", token),
                 404, "conversation_not_found")


def test_billing_cannot_work_queue(handoff_server, open_patient_chat):
    chat = open_patient_chat(0)
    escalate(chat)
    token = handoff_server.staff_token(BILLING)
    assert_error(get(handoff_server, "/api/staff/escalations", token), 403, "forbidden")
    assert_error(post(handoff_server, "/api/staff/escalations/1/claim", token), 403, "forbidden")
    transcript = get(handoff_server, f"/api/staff/conversations/{chat.conversation_id}", token)
    assert transcript.json()["view"] == "masked"


def test_reply_claim_and_hand_back(handoff_server, open_patient_chat, recorded_events):
    chat = open_patient_chat(0)
    escalate(chat)
    token = handoff_server.staff_token(FRONT_DESK)
    escalation = queue_entry(handoff_server, token, chat.conversation_id)
    reply_path = f"/api/staff/conversations/{chat.conversation_id}/messages"

    early = post(handoff_server, reply_path, token, json={"text": "Hello before claiming"})
    assert_error(early, 409, "escalation_not_claimed")

    claimed = post(handoff_server, f"/api/staff/escalations/{escalation['id']}/claim", token)
    assert claimed.status_code == 200, claimed.text
    sent = post(handoff_server, reply_path, token, json={"text": "Hi, this is the front desk."})
    assert sent.status_code == 201, sent.text

    updates = chat.updates()
    assert [entry["role"] for entry in updates["entries"]] == ["notice", "staff"]
    assert updates["entries"][1]["text"] == "Hi, this is the front desk."
    assert "staff_id" not in updates["entries"][1]
    assert updates["handoff"] is True
    waiting = chat.say("thanks, I'll wait")
    assert waiting["handoff"] is True
    assert waiting["tool_calls"] == []

    back = post(handoff_server, f"/api/staff/escalations/{escalation['id']}/hand-back", token)
    assert back.json()["status"] == "handed_back"
    assert chat.updates(updates["last_seq"])["handoff"] is False
    turn = chat.say("I need a checkup next tuesday")
    assert turn["handoff"] is False
    assert [call["name"] for call in turn["tool_calls"]] == ["find_slots"]

    names = [name for name, _fields in recorded_events]
    for expected in ("handoff.escalation_opened", "handoff.queue_viewed", "handoff.claimed",
                     "handoff.reply_sent", "handoff.handed_back"):
        assert expected in names


def test_resolve_needs_valid_outcome(handoff_server, open_patient_chat, recorded_events):
    chat = open_patient_chat(0)
    escalate(chat)
    token = handoff_server.staff_token(FRONT_DESK)
    escalation = queue_entry(handoff_server, token, chat.conversation_id)
    post(handoff_server, f"/api/staff/escalations/{escalation['id']}/claim", token)
    path = f"/api/staff/escalations/{escalation['id']}/resolve"

    assert_error(post(handoff_server, path, token, json={"outcome": "whatever"}), 422, "invalid_outcome", "outcome")
    assert_error(post(handoff_server, path, token, json={}), 422, "invalid_request", "outcome")
    resolved = post(handoff_server, path, token, json={"outcome": "question_answered"})
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "resolved"
    assert chat.say("one more thing, I need a checkup next tuesday")["handoff"] is False
    fields = [fields for name, fields in recorded_events if name == "handoff.resolved"]
    assert fields == [{"staff_id": fields[0]["staff_id"], "escalation_id": escalation["id"],
                       "conversation_id": chat.conversation_id, "outcome": "question_answered"}]


def test_bad_input_gets_error_shape(handoff_server, open_patient_chat):
    chat = open_patient_chat(0)
    escalate(chat)
    token = handoff_server.staff_token(FRONT_DESK)
    escalation = queue_entry(handoff_server, token, chat.conversation_id)
    post(handoff_server, f"/api/staff/escalations/{escalation['id']}/claim", token)
    reply_path = f"/api/staff/conversations/{chat.conversation_id}/messages"

    assert_error(post(handoff_server, reply_path, token, json={"text": "   "}), 422, "invalid_message", "text")
    assert_error(post(handoff_server, reply_path, token, json={"text": "x" * 2001}), 422, "invalid_message", "text")
    assert_error(post(handoff_server, reply_path, token, json={"text": 5}), 422, "invalid_request", "text")
    assert_error(post(handoff_server, reply_path, token, json={"text": "hi", "extra": 1}), 422, "invalid_request", "extra")
    assert_error(post(handoff_server, reply_path, token, content=b"{not json",
                      headers={"Content-Type": "application/json"}), 422, "invalid_request")
    assert_error(post(handoff_server, "/api/staff/escalations/abc/claim", token), 422, "invalid_request", "escalation_id")
    assert_error(post(handoff_server, "/api/staff/escalations/999999/claim", token), 404, "escalation_not_found")
    assert_error(post(handoff_server, f"/api/staff/escalations/{escalation['id']}/claim", token), 409, "escalation_not_open")
    assert_error(get(handoff_server, "/api/staff/conversations/" + "z" * 129, token), 422, "invalid_request", "conversation_id")
    assert_error(get(handoff_server, "/api/staff/conversations/unknown", token), 404, "conversation_not_found")
    patient_headers = chat.headers()
    bad_after = httpx.get(handoff_server.base_url + f"/api/conversations/{chat.conversation_id}/updates",
                          params={"after": -1}, headers=patient_headers, timeout=20)
    assert_error(bad_after, 422, "invalid_request", "after")


def test_foreign_conversation_id_left_alone(handoff_server, open_patient_chat):
    victim = open_patient_chat(0)
    other = open_patient_chat(3)
    response = httpx.post(handoff_server.scheduling_url + "/v1/escalations", headers=other.headers(), timeout=20,
                          json={"conversation_id": victim.conversation_id, "reason": "test", "priority": "normal",
                                "channel": "web", "summary": "synthetic"})
    assert response.status_code == 201, response.text
    token = handoff_server.staff_token(FRONT_DESK)
    claimed = post(handoff_server, f"/api/staff/escalations/{response.json()['id']}/claim", token)
    assert claimed.status_code == 200, claimed.text
    assert_error(get(handoff_server, f"/api/staff/conversations/{victim.conversation_id}", token),
                 404, "conversation_not_found")
    assert victim.updates()["entries"] == []
