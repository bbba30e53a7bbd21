"""The `openai` engine in whole chat turns, with its model calls replayed from cassettes.

Each test runs `ChatService` with ENGINE=openai against a live, clock-pinned scheduling server.
Only the calls to `/v1/chat/completions` are recorded. They were recorded from the
OpenAI-compatible server in `assistant.openai_compat`, and docs/openai-engine.md describes how to
record them again against a provider. The tools' calls to the scheduling API always run live.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from assistant.openai_compat import COMPAT_MODEL
from prompts.templates import render, system_prompt
from scheduling.models import Escalation
from tests.engines.conftest import EngineChat, ModelEndpoint, seeded_identifiers_in

pytestmark = pytest.mark.vcr

TOOL_NAMES = [
    "find_slots",
    "book_appointment",
    "cancel_appointment",
    "reschedule_appointment",
    "list_appointments",
    "request_human",
]
# The local engine reads "next Tuesday" on Monday 2030-01-07 as the Tuesday of the following week.
NEXT_TUESDAY = dt.date(2030, 1, 15)
TUESDAY = 1


def recorded_bodies(cassette) -> list[dict]:
    return [json.loads(request.body) for request in cassette.requests]


def recorded_by_compat_server(cassette) -> bool:
    """Tell whether every recorded response came from the local engine, whose replies are exact."""
    models = {json.loads(response["body"]["string"])["model"] for response in cassette.responses}
    return models == {COMPAT_MODEL}


def check_model_requests(cassette, endpoint: ModelEndpoint, expected_calls: int) -> None:
    """Check what the engine sent to the model: the system prompt and tools, and no patient identifiers."""
    if not endpoint.recording:
        assert cassette.all_played, "some recorded model calls were not replayed"
    bodies = recorded_bodies(cassette)
    assert len(bodies) == expected_calls
    prompt_opening = system_prompt("scheduling")[0].splitlines()[0]
    for index, body in enumerate(bodies):
        system = body["messages"][0]
        assert system["role"] == "system", f"call {index} does not start with the system prompt"
        assert system["content"].startswith(prompt_opening)
        assert "Today is Monday 2030-01-07 (America/Los_Angeles)" in system["content"]
        declared = [tool["function"]["name"] for tool in body["tools"]]
        assert sorted(declared) == sorted(TOOL_NAMES), f"call {index} declares {declared}"
        leaked = seeded_identifiers_in(json.dumps(body, ensure_ascii=False))
        assert leaked == [], f"call {index} sends patient identifiers {leaked}"


def short_date(moment: dt.datetime) -> str:
    """Format a start as the tools label it, such as "Tue Jan 8"."""
    return f"{moment.strftime('%a %b')} {moment.day}"


def test_handoff_turn_opens_escalation(engine_chat: EngineChat, vcr, model_endpoint: ModelEndpoint):
    result = engine_chat.say("I need to talk to someone")

    assert [call.name for call in result.tool_calls] == ["request_human"]
    assert result.tool_calls[0].status == "ok"
    assert result.handoff is True
    with engine_chat.server.session_factory() as session:
        escalations = session.scalars(select(Escalation)).all()
    assert len(escalations) == 1
    assert escalations[0].conversation_id == engine_chat.conversation_id
    assert escalations[0].patient_id == engine_chat.patient.id
    assert escalations[0].status == "open"
    if recorded_by_compat_server(vcr):
        assert result.reply == render("handoff")
        assert escalations[0].reason == "patient asked for a person"
    check_model_requests(vcr, model_endpoint, expected_calls=2)


def test_list_turn_reads_booked_appointment(engine_chat: EngineChat, vcr, model_endpoint: ModelEndpoint):
    slots = engine_chat.api("GET", "/v1/slots", params={"start_date": "2030-01-09", "limit": 1}).json()["slots"]
    booked = engine_chat.api("POST", "/v1/appointments", json={"slot_id": slots[0]["slot_id"]},
                             headers={"Idempotency-Key": "engine-list-setup"})
    assert booked.status_code == 201, booked.text
    appointment = booked.json()

    result = engine_chat.say("what appointments do I have?")

    assert [call.name for call in result.tool_calls] == ["list_appointments"]
    assert result.tool_calls[0].status == "ok"
    assert result.handoff is False
    start = dt.datetime.fromisoformat(appointment["start"])
    assert appointment["provider_name"] in result.reply
    assert short_date(start) in result.reply
    if recorded_by_compat_server(vcr):
        assert result.reply.startswith(render("appointments_intro"))
        assert f"1. {appointment['provider_name']}, {short_date(start)}" in result.reply
    check_model_requests(vcr, model_endpoint, expected_calls=2)


def test_search_turn_lists_live_openings(engine_chat: EngineChat, vcr, model_endpoint: ModelEndpoint):
    result = engine_chat.say("book a checkup next Tuesday morning")

    assert [call.name for call in result.tool_calls] == ["find_slots"]
    assert result.tool_calls[0].status == "ok"
    args = result.tool_calls[0].args
    assert dt.date.fromisoformat(args["date_from"]).weekday() == TUESDAY
    assert args["appointment_type"] == "General check-up"
    if recorded_by_compat_server(vcr):
        assert args["date_from"] == NEXT_TUESDAY.isoformat()

    live = engine_chat.api("GET", "/v1/slots", params={
        "start_date": args["date_from"], "end_date": args.get("date_to", args["date_from"]),
        "appointment_type_id": 1, "before": "12:00", "limit": 20,
    }).json()["slots"]
    # The tool leaves pediatric providers out for an adult patient who did not ask for one.
    directory = engine_chat.api("GET", "/v1/directory").json()
    pediatric = {provider["id"] for provider in directory["providers"] if provider["specialty"] == "pediatrics"}
    live = [slot for slot in live if slot["provider_id"] not in pediatric]
    assert live, "the pinned scheduling server has no Tuesday-morning check-up openings"
    first = dt.datetime.fromisoformat(live[0]["start"])
    assert live[0]["provider_name"] in result.reply
    assert short_date(first) in result.reply
    if recorded_by_compat_server(vcr):
        assert result.reply.startswith(render("options_intro"))
        assert result.reply.endswith(render("options_question"))
        clock = first.strftime("%I:%M %p").lstrip("0")
        assert f"1. {live[0]['provider_name']}, {short_date(first)}, {clock}" in result.reply
    check_model_requests(vcr, model_endpoint, expected_calls=2)


def test_two_turns_send_earlier_history(engine_chat: EngineChat, vcr, model_endpoint: ModelEndpoint):
    first = engine_chat.say("what appointments do I have?")
    second = engine_chat.say("I need to talk to someone")

    assert [call.name for call in first.tool_calls] == ["list_appointments"]
    assert [call.name for call in second.tool_calls] == ["request_human"]
    assert second.handoff is True
    if recorded_by_compat_server(vcr):
        assert first.reply == render("no_appointments")
        assert second.reply == render("handoff")
    check_model_requests(vcr, model_endpoint, expected_calls=4)
    last = recorded_bodies(vcr)[-1]["messages"]
    user_turns = [message["content"] for message in last if message["role"] == "user"]
    assert user_turns == ["what appointments do I have?", "I need to talk to someone"]
    assert any(message["role"] == "tool" for message in last[:-1]), "the first turn's tool result is missing"



def test_typed_identifiers_reach_model_as_placeholders(engine_chat: EngineChat, vcr, model_endpoint: ModelEndpoint):
    result = engine_chat.say(
        "Hi, this is Jordan Testwell, born 04/12/1985, cell 408-555-0101. what appointments do I have?"
    )

    assert [call.name for call in result.tool_calls] == ["list_appointments"]
    check_model_requests(vcr, model_endpoint, expected_calls=2)
    for body in recorded_bodies(vcr):
        user_text = next(message["content"] for message in body["messages"] if message["role"] == "user")
        assert "<PERSON_1>" in user_text
        assert "<PHONE_NUMBER_1>" in user_text
        assert "<DATE_OF_BIRTH_1>" in user_text
        assert "what appointments do I have?" in user_text
