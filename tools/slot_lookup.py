"""Find the details of a slot id: from what the patient was shown, or by asking the API."""

from __future__ import annotations

import datetime as dt

from tools.base import ToolContext
from tools.client import ApiError


def parse_slot_id(slot_id: str) -> tuple[str, str, str, dt.datetime]:
    """Split "{provider}.{site}.{type}.{YYYYMMDDTHHMMZ}"; raise ValueError naming the id otherwise."""
    parts = slot_id.split(".")
    if len(parts) != 4:
        raise ValueError(f"slot_id '{slot_id}' is not a slot id from find_slots; search again")
    provider_id, site_id, type_id, stamp = parts
    try:
        start = dt.datetime.strptime(stamp, "%Y%m%dT%H%MZ").replace(tzinfo=dt.timezone.utc)
    except ValueError as exc:
        raise ValueError(f"slot_id '{slot_id}' has no valid start time; search again") from exc
    return provider_id, site_id, type_id, start


def lookup_slot(context: ToolContext, slot_id: str) -> dict:
    """Return the slot's details if it is still open; raise ApiError `slot_unavailable` otherwise."""
    known = context.session.known_slots.get(slot_id)
    if known:
        return known
    try:
        provider_id, site_id, type_id, start = parse_slot_id(slot_id)
    except ValueError as exc:
        raise ApiError(422, "invalid_slot_id", str(exc)) from exc
    candidates = context.client.search_slots(
        provider_id=provider_id,
        site_id=site_id,
        appointment_type_id=type_id,
        start_date=(start - dt.timedelta(days=1)).date(),
        end_date=(start + dt.timedelta(days=1)).date(),
        limit=100,
    )
    for slot in candidates:
        if slot["slot_id"] == slot_id:
            context.remember_slots([slot])
            return slot
    raise ApiError(409, "slot_unavailable", f"slot '{slot_id}' is not open; search again")
