"""Plain-English labels for slots and appointments, in the site's own time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def local_start(item: dict) -> dt.datetime:
    """Return the item's start as an aware datetime with the site's offset, as the API sent it."""
    return dt.datetime.fromisoformat(item["start"])


def format_when(item: dict) -> str:
    """Format a start as "Tue Mar 3, 10:30 AM PST", in the site's zone with its abbreviation.

    Options can come from sites in several zones, so the abbreviation keeps "9:00 AM" in
    Denver and "9:00 AM" in Boston apart.
    """
    start = local_start(item)
    if item.get("time_zone"):
        start = start.astimezone(ZoneInfo(item["time_zone"]))
    clock = start.strftime("%I:%M %p").lstrip("0")
    return f"{start.strftime('%a %b')} {start.day}, {clock} {start.strftime('%Z')}".rstrip()


def describe_slot(item: dict) -> str:
    """Describe a slot or appointment: "Dr. Ana Lee, Tue Mar 3, 10:30 AM at Sunnyvale"."""
    return f"{item['provider_name']}, {format_when(item)} at {item['site_name']}"


def describe_option(index: int, item: dict) -> str:
    return f"{index}. {describe_slot(item)} ({item['appointment_type_name']})"


def summarize(item: dict) -> dict:
    """Return the fields a model needs to refer to a slot or appointment, with local date and time."""
    start = local_start(item)
    return {
        "provider": item["provider_name"],
        "site": item["site_name"],
        "appointment_type": item["appointment_type_name"],
        "date": start.date().isoformat(),
        "time": start.strftime("%H:%M"),
    }
