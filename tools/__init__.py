"""The agent's booking tools, one per module, each calling the scheduling API as the patient."""

from __future__ import annotations

from langchain_core.tools import BaseTool

from tools import (
    book_appointment,
    cancel_appointment,
    find_slots,
    list_appointments,
    request_human,
    reschedule_appointment,
)
from tools.base import ToolContext

TOOL_MODULES = (find_slots, book_appointment, list_appointments, cancel_appointment, reschedule_appointment, request_human)
TOOL_NAMES = tuple(module.NAME for module in TOOL_MODULES)


def build_tools(context: ToolContext) -> list[BaseTool]:
    """Build every tool bound to one conversation's context."""
    return [module.build(context) for module in TOOL_MODULES]
