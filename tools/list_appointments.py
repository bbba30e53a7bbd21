"""Tool: list the conversation's patient's upcoming appointments."""

from __future__ import annotations

from pydantic import BaseModel

from tools.base import ToolContext, build_tool
from tools.formatting import describe_option, summarize

NAME = "list_appointments"
DESCRIPTION = "List the patient's upcoming booked appointments, numbered, with their appointment_id values."


class ListArgs(BaseModel):
    pass


def run(context: ToolContext, args: ListArgs) -> dict:
    appointments = [item for item in context.client.list_appointments() if item["status"] == "booked"]
    return {
        "status": "ok",
        "appointments": [
            {"option": index, **summarize(item), "appointment_id": item["id"], "label": describe_option(index, item)}
            for index, item in enumerate(appointments, start=1)
        ],
    }


def build(context: ToolContext):
    return build_tool(context, NAME, DESCRIPTION, ListArgs, run)
