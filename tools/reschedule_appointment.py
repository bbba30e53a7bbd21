"""Tool: move one of the patient's appointments to another slot, after they confirm."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from tools.base import ToolContext, build_tool, confirmation_gate
from tools.formatting import describe_slot, format_when
from tools.slot_lookup import lookup_slot

NAME = "reschedule_appointment"
DESCRIPTION = (
    "Move an appointment (appointment_id from list_appointments) to a slot from find_slots. The first "
    "call returns a summary the patient must confirm; call again with the same arguments after yes."
)


class RescheduleArgs(BaseModel):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    appointment_id: str = Field(..., min_length=1, max_length=64)
    slot_id: str = Field(..., min_length=1, max_length=100)


def run(context: ToolContext, args: RescheduleArgs) -> dict:
    appointment = context.client.get_appointment(args.appointment_id)
    slot = lookup_slot(context, args.slot_id)
    summary = f"Move your {format_when(appointment)} appointment to {describe_slot(slot)}?"
    gate = confirmation_gate(context, NAME, args.model_dump(), summary)
    if gate:
        return gate
    moved = context.client.reschedule(args.appointment_id, args.slot_id, idempotency_key=context.confirmed_key)
    context.session.offered = []
    return {"status": "ok", "appointment_id": moved["id"], "rescheduled_to": describe_slot(moved)}


def build(context: ToolContext):
    return build_tool(context, NAME, DESCRIPTION, RescheduleArgs, run)
