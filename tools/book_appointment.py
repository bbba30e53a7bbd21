"""Tool: book a slot for the conversation's patient, after they confirm the summary."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tools.base import ToolContext, build_tool, confirmation_gate, slot_summary
from tools.formatting import describe_slot
from tools.slot_lookup import lookup_slot

NAME = "book_appointment"
DESCRIPTION = (
    "Book a slot returned by find_slots. The first call returns a summary the patient must confirm; "
    "call again with the same slot_id after they say yes."
)


class BookArgs(BaseModel):
    slot_id: str = Field(..., min_length=1, max_length=100, description="slot_id from find_slots")


def run(context: ToolContext, args: BookArgs) -> dict:
    slot = lookup_slot(context, args.slot_id)
    gate = confirmation_gate(context, NAME, args.model_dump(), slot_summary("Book", slot))
    if gate:
        return gate
    appointment = context.client.book(args.slot_id, idempotency_key=context.confirmed_key)
    context.session.offered = []
    return {"status": "ok", "appointment_id": appointment["id"], "booked": describe_slot(appointment)}


def build(context: ToolContext):
    return build_tool(context, NAME, DESCRIPTION, BookArgs, run)
