"""Tool: cancel one of the patient's appointments, after they confirm the summary."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from tools.base import ToolContext, build_tool, confirmation_gate, slot_summary
from tools.formatting import describe_slot

NAME = "cancel_appointment"
DESCRIPTION = (
    "Cancel an appointment by appointment_id from list_appointments. The first call returns a summary "
    "the patient must confirm; call again with the same id after they say yes."
)


class CancelArgs(BaseModel):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    appointment_id: str = Field(..., min_length=1, max_length=64)


def run(context: ToolContext, args: CancelArgs) -> dict:
    appointment = context.client.get_appointment(args.appointment_id)
    gate = confirmation_gate(context, NAME, args.model_dump(), slot_summary("Cancel", appointment))
    if gate:
        return gate
    cancelled = context.client.cancel(args.appointment_id)
    return {"status": "ok", "cancelled": describe_slot(cancelled)}


def build(context: ToolContext):
    return build_tool(context, NAME, DESCRIPTION, CancelArgs, run)
