"""Hand-off steps of a chat turn that need no server: repeated errors, the timeline, summaries."""

from __future__ import annotations

from assistant.agent import TurnResult
from assistant.conversation import Conversation
from assistant.handoff.timeline import append_entry, entries_after
from assistant.handoff.turns import finish_turn
from tools.base import ToolCallRecord
from tools.client import SchedulingClient

FAILED_BOOKING = ToolCallRecord(name="book_appointment", args={}, status="error: slot_taken")


def new_conversation() -> Conversation:
    return Conversation.new(patient_id=1, channel="web", language="en", engine="local")


def client() -> SchedulingClient:
    return SchedulingClient("http://127.0.0.1:9", "unused")


def test_second_same_error_offers_person():
    conversation = new_conversation()
    first = finish_turn(conversation, client(), "book it", TurnResult(reply="Sorry.", tool_calls=[FAILED_BOOKING]))
    assert first.reply == "Sorry."
    assert conversation.tools.offered_human is None
    second = finish_turn(conversation, client(), "book it", TurnResult(reply="Sorry.", tool_calls=[FAILED_BOOKING]))
    assert "Would you like a person from the clinic to help?" in second.reply
    assert conversation.tools.offered_human == "repeated tool error: book_appointment error: slot_taken"


def test_different_errors_do_not_offer():
    conversation = new_conversation()
    other = ToolCallRecord(name="find_slots", args={}, status="error: date_in_past")
    finish_turn(conversation, client(), "a", TurnResult(reply="x", tool_calls=[FAILED_BOOKING]))
    result = finish_turn(conversation, client(), "b", TurnResult(reply="x", tool_calls=[other]))
    assert result.reply == "x"
    assert conversation.tools.offered_human is None


def test_no_offer_during_handoff():
    conversation = new_conversation()
    conversation.tools.handoff = True
    for _ in range(2):
        result = finish_turn(conversation, client(), "a", TurnResult(reply="x", tool_calls=[FAILED_BOOKING]))
    assert result.reply == "x"
    assert conversation.tools.offered_human is None


def test_timeline_records_turn_in_order():
    conversation = new_conversation()
    call = ToolCallRecord(name="find_slots", args={}, status="ok")
    finish_turn(conversation, client(), "checkup tuesday", TurnResult(reply="Here are openings", tool_calls=[call]))
    roles = [entry["role"] for entry in conversation.timeline]
    assert roles == ["patient", "tool", "assistant"]
    assert [entry["seq"] for entry in conversation.timeline] == [1, 2, 3]


def test_timeline_survives_storage():
    conversation = new_conversation()
    append_entry(conversation, "staff", "Hello", staff_id=4)
    restored = Conversation.from_document(conversation.to_document())
    assert entries_after(restored, 0, ("staff",)) == conversation.timeline
