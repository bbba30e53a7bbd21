"""Whole conversations on the local engine against a real scheduling server, on both databases."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from assistant.conversation import ConversationNotFound, InvalidMessage, NotAuthenticated
from scheduling.models import Escalation
from tests.assistant.conftest import Chat, tool_names

CLINIC_ZONE = ZoneInfo("America/Los_Angeles")


def clinic_today() -> dt.date:
    return dt.datetime.now(CLINIC_ZONE).date()


def book_directly(chat: Chat, **filters) -> dict:
    """Book the first open slot matching `filters` through the API, as the chat's patient."""
    slots = chat.api("GET", "/v1/slots", params={"limit": 1, **filters}).json()["slots"]
    assert slots, f"the seed has no slot for {filters}"
    response = chat.api("POST", "/v1/appointments", json={"slot_id": slots[0]["slot_id"]},
                        headers={"Idempotency-Key": f"test-{slots[0]['slot_id']}"})
    assert response.status_code == 201, response.text
    return response.json()


def test_book_with_relative_date_and_confirmation(open_chat):
    chat = open_chat()

    offers = chat.say("I need a checkup next Tuesday morning")
    search = offers.tool_calls[0]
    day = dt.date.fromisoformat(search.args["date_from"])
    assert search.name == "find_slots"
    assert search.args["appointment_type"] == "General check-up"
    assert day.weekday() == 1
    assert clinic_today() < day <= clinic_today() + dt.timedelta(days=14)
    assert "2." in offers.reply

    summary = chat.say("the second one")
    assert tool_names(summary) == ["book_appointment"]
    assert summary.reply.startswith("Book ")
    assert chat.appointments() == []

    booked = chat.say("yep")
    assert tool_names(booked) == ["book_appointment"]
    assert booked.tool_calls[0].status == "ok"
    assert "booked" in booked.reply.lower()
    appointments = chat.appointments()
    assert len(appointments) == 1
    assert appointments[0]["status"] == "booked"
    assert dt.datetime.fromisoformat(appointments[0]["start"]).date() == day


def test_day_after_tomorrow_is_two_days_ahead(open_chat):
    chat = open_chat()

    result = chat.say("can I get a follow-up with Dr. Okonkwo the day after tomorrow")

    search = result.tool_calls[0]
    assert search.args["date_from"] == (clinic_today() + dt.timedelta(days=2)).isoformat()
    assert search.args["provider"] == "Dr. Samuel Okonkwo"


def test_correction_searches_again(open_chat):
    chat = open_chat()
    chat.say("book a checkup with Dr. Ana Lee next Tuesday")

    result = chat.say("actually make it Friday")

    search = result.tool_calls[-1]
    assert search.name == "find_slots"
    assert dt.date.fromisoformat(search.args["date_from"]).weekday() == 4


def test_choice_by_time(open_chat):
    chat = open_chat()
    offers = chat.say("checkup with Dr. Ana Lee next Wednesday")
    third = offers.reply.splitlines()[3]
    clock = third.split(", ")[2].split(" at ")[0]

    summary = chat.say(f"{clock} works")

    assert tool_names(summary) == ["book_appointment"]
    assert clock in summary.reply


def test_ambiguous_provider_asks_which(open_chat):
    chat = open_chat()

    question = chat.say("I want to see Dr. Lee")

    assert "Dr. Ana Lee" in question.reply
    assert "Dr. Anna Leigh" in question.reply
    assert chat.appointments() == []

    answer = chat.say("the second one")
    assert answer.tool_calls[-1].name == "find_slots"
    assert answer.tool_calls[-1].args["provider"] == "Dr. Anna Leigh"


def test_no_availability_offers_alternatives(open_chat):
    chat = open_chat()
    sunday = clinic_today() + dt.timedelta(days=(6 - clinic_today().weekday()) % 7 or 7)

    result = chat.say(f"book a checkup with Dr. Okonkwo on {sunday:%B} {sunday.day}")

    assert result.tool_calls[0].args["date_from"] == sunday.isoformat()
    assert "couldn't find an opening that matches exactly" in result.reply
    assert "1. Dr. Samuel Okonkwo" in result.reply


def test_list_appointments(open_chat):
    chat = open_chat()
    book_directly(chat, specialty="cardiology")
    book_directly(chat, specialty="dentistry")

    result = chat.say("what appointments do I have?")

    assert tool_names(result) == ["list_appointments"]
    assert "Dr. Rafael Moreno" in result.reply
    assert "Dr. Owen Fairbank" in result.reply


def test_cancel_needs_yes(open_chat):
    chat = open_chat()
    booked = book_directly(chat, specialty="cardiology")

    first = chat.say("please cancel my appointment")
    assert first.reply.startswith("Cancel Dr. Rafael Moreno")
    declined = chat.say("no thanks")
    assert "nothing was changed" in declined.reply
    assert chat.appointments()[0]["status"] == "booked"

    chat.say("cancel my appointment")
    done = chat.say("yes")

    assert done.tool_calls[-1].name == "cancel_appointment"
    assert done.tool_calls[-1].status == "ok"
    detail = chat.api("GET", f"/v1/appointments/{booked['id']}").json()
    assert detail["status"] == "cancelled"


def test_reschedule_moves_and_keeps_history(open_chat):
    chat = open_chat()
    booked = book_directly(chat, specialty="family medicine", site_id=1)

    question = chat.say("I need to reschedule my appointment")
    assert "When would you like to move" in question.reply

    offers = chat.say("next Thursday afternoon")
    assert offers.tool_calls[-1].name == "find_slots"
    assert offers.tool_calls[-1].args["provider"] == booked["provider_name"]

    summary = chat.say("the first one")
    assert summary.reply.startswith("Move your")
    done = chat.say("yes please")

    assert done.tool_calls[-1].name == "reschedule_appointment"
    assert done.tool_calls[-1].status == "ok"
    old = chat.api("GET", f"/v1/appointments/{booked['id']}").json()
    new = chat.api("GET", f"/v1/appointments/{old['rescheduled_to_id']}").json()
    assert old["status"] == "cancelled"
    assert new["status"] == "booked"
    assert new["rescheduled_from_id"] == booked["id"]
    assert dt.date.fromisoformat(new["start"][:10]).weekday() == 3


def test_talk_to_a_person_opens_escalation(open_chat, scheduling_server):
    chat = open_chat()

    result = chat.say("I need to talk to someone")

    assert tool_names(result) == ["request_human"]
    assert result.handoff is True
    with scheduling_server.session_factory() as session:
        escalations = session.scalars(select(Escalation)).all()
    assert len(escalations) == 1
    assert escalations[0].conversation_id == chat.conversation_id
    assert escalations[0].patient_id == chat.patient.id

    after = chat.say("hello?")
    assert after.tool_calls == []
    assert after.handoff is True
    assert "person" in after.reply


def test_two_misunderstandings_hand_off(open_chat):
    chat = open_chat()
    chat.say("hello")

    chat.say("purple monkey dishwasher")
    second = chat.say("zxqv blorp")

    assert tool_names(second) == ["request_human"]
    assert second.handoff is True


def test_bad_messages_are_rejected_clearly(open_chat):
    chat = open_chat()

    with pytest.raises(InvalidMessage, match="empty"):
        chat.say("   ")
    with pytest.raises(InvalidMessage, match="2001 characters long; the limit is 2000"):
        chat.say("a" * 2001)
    with pytest.raises(NotAuthenticated):
        chat.service.handle(chat.conversation_id, "not-a-token", "hi")
    with pytest.raises(ConversationNotFound):
        chat.service.handle("no-such-conversation", chat.token(), "hi")
    assert chat.say("hi").reply


def test_other_patients_token_cannot_continue_conversation(open_chat):
    first = open_chat(0)
    second = open_chat(1)

    with pytest.raises(ConversationNotFound):
        first.service.handle(first.conversation_id, second.token(), "what appointments do I have")


def next_spring_forward(today: dt.date) -> dt.date:
    """Return the next US daylight-saving start: the second Sunday of March."""
    for year in (today.year, today.year + 1):
        march_first = dt.date(year, 3, 1)
        second_sunday = march_first + dt.timedelta(days=(6 - march_first.weekday()) % 7 + 7)
        if second_sunday > today + dt.timedelta(days=2):
            return second_sunday
    raise AssertionError("unreachable")


def test_dst_week_keeps_local_nine(tmp_path):
    from assistant.agent import ChatService
    from assistant.config import AssistantSettings
    from assistant.store import MemoryStore
    from tests.fixtures.services import start_scheduling_server

    change = next_spring_forward(clinic_today())
    before, after = change - dt.timedelta(days=2), change + dt.timedelta(days=1)
    url = f"sqlite:///{tmp_path / 'dst.sqlite3'}"
    with start_scheduling_server(url, tmp_path / "data", seed_today=change - dt.timedelta(days=6)) as server:
        service = ChatService(AssistantSettings(ENGINE="local"), MemoryStore(600), server.base_url)
        chat = Chat(service, server, server.patients[0])

        friday = chat.say(f"checkup with Dr. Ana Lee on {before:%B} {before.day}")
        offered_before = service.store.load(chat.conversation_id)["tools"]["offered"]
        monday = chat.say(f"actually make it {after:%B} {after.day}")
        offered_after = service.store.load(chat.conversation_id)["tools"]["offered"]

    assert f"{before:%a %b} {before.day}, 9:00 AM" in friday.reply
    assert f"{after:%a %b} {after.day}, 9:00 AM" in monday.reply
    assert offered_before[0]["slot_id"].endswith(f"{before:%Y%m%d}T1700Z")
    assert offered_after[0]["slot_id"].endswith(f"{after:%Y%m%d}T1600Z")


def test_phi_in_message_reaches_engine_as_placeholder(open_chat, chat_service):
    chat = open_chat()
    prompts = []
    chat_service.prompt_observers.append(lambda messages: prompts.append([str(m.content) for m in messages]))

    result = chat.say("my name is Jordan Testwell, born 04/12/1985, call me at 408-555-0101. I need a checkup next Tuesday")

    sent = " ".join(prompts[0])
    assert "<PERSON_" in sent
    assert "<PHONE_NUMBER_" in sent
    assert "Testwell" not in sent
    assert "555-0101" not in sent
    assert result.tool_calls[0].name == "find_slots"


def test_emergency_answers_without_engine(open_chat, chat_service, scheduling_server):
    chat = open_chat()
    prompts = []
    chat_service.prompt_observers.append(prompts.append)

    result = chat.say("I have crushing chest pain and my left arm is numb")

    assert "911" in result.reply
    assert prompts == []
    assert result.handoff is True
    with scheduling_server.session_factory() as session:
        escalation = session.scalars(select(Escalation)).one()
    assert escalation.priority == "urgent"


@pytest.mark.parametrize("answer", ["hmm not sure", "maybe", "yes but can it be at Boston instead", "yes, make it 3pm"])
def test_non_plain_yes_does_not_book(open_chat, answer):
    chat = open_chat()
    chat.say("I need a checkup next Tuesday morning")
    chat.say("the second one")

    result = chat.say(answer)

    assert chat.appointments() == []
    assert "booked" not in result.reply.lower()


def test_summary_answered_once(open_chat):
    chat = open_chat()
    chat.say("I need a checkup next Tuesday morning")
    summary = chat.say("the second one")
    assert summary.reply.startswith("Book ")
    chat.say("what appointments do I have?")

    late = chat.say("yes")

    assert chat.appointments() == []
    assert "booked" not in late.reply.lower()


def test_adult_checkup_leaves_out_pediatrics(open_chat):
    adult = open_chat(0)

    offers = adult.say("I need a checkup next Tuesday morning")

    assert "Dr. Priya Natarajan" not in offers.reply
    assert "1. " in offers.reply


def test_no_to_options_offers_other_times(open_chat):
    chat = open_chat()
    chat.say("I need a checkup next Tuesday morning")

    result = chat.say("no")

    assert "different days or times" in result.reply
    follow_up = chat.say("Thursday afternoon")
    assert follow_up.tool_calls[-1].name == "find_slots"
    assert dt.date.fromisoformat(follow_up.tool_calls[-1].args["date_from"]).weekday() == 3
