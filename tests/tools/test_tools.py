"""The booking tools against a real scheduling server: the API, not the tool, guards the data."""

from __future__ import annotations

import json

import pytest

from tools import build_tools
from tools.base import ToolContext, ToolSession
from tools.client import ApiError, SchedulingClient


def context_for(server, patient) -> ToolContext:
    client = SchedulingClient(server.base_url, server.token_for(patient))
    return ToolContext(client=client, conversation_id="test-conversation", channel="cli", session=ToolSession())


def tool(context: ToolContext, name: str):
    return next(item for item in build_tools(context) if item.name == name)


def call(context: ToolContext, name: str, **args) -> dict:
    return json.loads(tool(context, name).invoke(args))


def first_slot(context: ToolContext, **filters) -> dict:
    result = call(context, "find_slots", **filters)
    assert result["status"] == "ok", result
    return result["options"][0]


def confirm(context: ToolContext, name: str, **args) -> dict:
    """Ask once, then answer yes as the patient would, and call again."""
    asked = call(context, name, **args)
    assert asked["status"] == "confirmation_required", asked
    context.session.confirmed = True
    return call(context, name, **args)


def book_for(server, patient, **filters) -> str:
    context = context_for(server, patient)
    option = first_slot(context, **filters)
    booked = confirm(context, "book_appointment", slot_id=option["slot_id"])
    assert booked["status"] == "ok", booked
    return str(booked["appointment_id"])


def test_book_needs_confirmation(scheduling_server):
    context = context_for(scheduling_server, scheduling_server.patients[0])
    option = first_slot(context, specialty="cardiology", appointment_type="Consultation")

    asked = call(context, "book_appointment", slot_id=option["slot_id"])

    assert asked["status"] == "confirmation_required"
    assert asked["summary"].startswith("Book Dr. Rafael Moreno")
    assert context.client.list_appointments() == []


def test_confirmation_covers_only_the_summarised_slot(scheduling_server):
    context = context_for(scheduling_server, scheduling_server.patients[0])
    options = call(context, "find_slots", specialty="cardiology", appointment_type="Consultation")["options"]
    call(context, "book_appointment", slot_id=options[0]["slot_id"])
    context.session.confirmed = True

    other = call(context, "book_appointment", slot_id=options[1]["slot_id"])

    assert other["status"] == "confirmation_required"
    assert context.client.list_appointments() == []


def test_confirmed_booking_books_once(scheduling_server):
    context = context_for(scheduling_server, scheduling_server.patients[0])
    option = first_slot(context, specialty="dentistry", appointment_type="Dental cleaning")

    booked = confirm(context, "book_appointment", slot_id=option["slot_id"])

    assert booked["status"] == "ok"
    assert [item["id"] for item in context.client.list_appointments()] == [booked["appointment_id"]]
    assert context.records[-1].status == "ok"


@pytest.mark.parametrize("tool_name", ["cancel_appointment", "reschedule_appointment"])
def test_other_patients_appointment_fails_at_api(scheduling_server, tool_name):
    owner, intruder = scheduling_server.patients[0], scheduling_server.patients[1]
    appointment_id = book_for(scheduling_server, owner, specialty="cardiology", appointment_type="Consultation")
    context = context_for(scheduling_server, intruder)
    args = {"appointment_id": appointment_id}
    if tool_name == "reschedule_appointment":
        args["slot_id"] = first_slot(context, specialty="cardiology", appointment_type="Consultation")["slot_id"]
    # Even a confirmed pending action for that id must be refused by the API.
    context.session.pending = {"tool": tool_name, "args": args, "summary": "forced", "key": "k" * 16}
    context.session.confirmed = True

    result = call(context, tool_name, **args)

    assert result == {
        "status": "error",
        "code": "appointment_not_found",
        "message": result["message"],
    }
    assert context.records[-1].status == "error: appointment_not_found"
    owner_context = context_for(scheduling_server, owner)
    assert owner_context.client.get_appointment(appointment_id)["status"] == "booked"


def test_other_patients_id_is_404_like_unknown(scheduling_server):
    owner, intruder = scheduling_server.patients[0], scheduling_server.patients[1]
    appointment_id = book_for(scheduling_server, owner, specialty="dentistry", appointment_type="Dental cleaning")
    client = context_for(scheduling_server, intruder).client

    with pytest.raises(ApiError) as other:
        client.cancel(appointment_id)
    with pytest.raises(ApiError) as unknown:
        client.cancel("999999")

    assert other.value.status == unknown.value.status == 404
    assert other.value.code == unknown.value.code == "appointment_not_found"


def test_find_slots_ambiguous_provider(scheduling_server):
    context = context_for(scheduling_server, scheduling_server.patients[0])

    result = call(context, "find_slots", provider="Dr. Anna Lee")

    assert result["status"] == "ambiguous"
    assert sorted(result["candidates"]) == ["Dr. Ana Lee", "Dr. Anna Leigh"]


def test_find_slots_unknown_provider_lists_known(scheduling_server):
    context = context_for(scheduling_server, scheduling_server.patients[0])

    result = call(context, "find_slots", provider="Dr. Zebulon Quux")

    assert result["code"] == "unknown_provider"
    assert "Dr. Ana Lee" in result["known"]


def test_find_slots_rejects_bad_arguments(scheduling_server):
    context = context_for(scheduling_server, scheduling_server.patients[0])

    reversed_range = call(context, "find_slots", date_from="2030-01-10", date_to="2030-01-01")
    bad_time = call(context, "find_slots", after="3pm")
    impossible = call(context, "find_slots", date_from="2027-02-30")

    assert reversed_range["code"] == "invalid_arguments"
    assert "before date_from" in reversed_range["message"]
    assert bad_time["code"] == "invalid_arguments"
    assert "after" in bad_time["message"]
    assert impossible["code"] == "invalid_arguments"
    assert "date_from" in impossible["message"]


def test_find_slots_past_date_is_api_error(scheduling_server):
    context = context_for(scheduling_server, scheduling_server.patients[0])

    result = call(context, "find_slots", date_from="2020-01-01", date_to="2020-01-02")

    assert result["status"] == "error"
    assert "2020-01-01" in result["message"]


def test_invented_slot_id_is_rejected(scheduling_server):
    context = context_for(scheduling_server, scheduling_server.patients[0])

    garbage = call(context, "book_appointment", slot_id="not-a-slot")
    closed = call(context, "book_appointment", slot_id="1.1.1.20990101T0300Z")

    assert garbage["code"] == "invalid_slot_id"
    assert closed["status"] == "error"
    assert context.client.list_appointments() == []


def test_request_human_opens_one_escalation(scheduling_server):
    context = context_for(scheduling_server, scheduling_server.patients[0])

    first = call(context, "request_human", reason="patient asked for a person")
    second = call(context, "request_human", reason="again")

    assert first["status"] == "ok"
    assert second["escalation_id"] == first["escalation_id"]
    assert context.session.handoff is True


def test_find_slots_asks_visit_type_when_several(scheduling_server):
    context = context_for(scheduling_server, scheduling_server.patients[0])

    result = call(context, "find_slots", specialty="cardiology")

    assert result["status"] == "choose_visit_type"
    assert "Consultation" in result["visit_types"]
    assert "Follow-up visit" in result["visit_types"]
