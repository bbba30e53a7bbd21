"""Tool: list the conversation's patient's upcoming appointments."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from tools.base import ToolContext, build_tool
from tools.formatting import describe_option, summarize

NAME = "list_appointments"
DESCRIPTION = (
    "List the patient's upcoming booked appointments, numbered, with their appointment_id values. "
    "Appointments marked in_progress have started and cannot be cancelled or moved."
)


class ListArgs(BaseModel):
    pass


def run(context: ToolContext, args: ListArgs) -> dict:
    now = dt.datetime.now(dt.timezone.utc)
    appointments = [item for item in context.client.list_appointments() if item["status"] == "booked"]
    listed = []
    for index, item in enumerate(appointments, start=1):
        # A visit that has started can no longer be cancelled or moved, so it is marked.
        started = dt.datetime.fromisoformat(item["start"]) <= now
        label = describe_option(index, item) + (" (in progress)" if started else "")
        listed.append({"option": index, **summarize(item), "appointment_id": item["id"], "label": label, "in_progress": started})
    return {"status": "ok", "appointments": listed}


def build(context: ToolContext):
    return build_tool(context, NAME, DESCRIPTION, ListArgs, run)
