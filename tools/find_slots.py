"""Tool: search bookable slots by provider, specialty, visit type, site, dates and time of day."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from tools.base import ToolContext, build_tool
from tools.client import ApiError
from tools.directory_match import (
    appointment_type_choices,
    match_names,
    provider_choices,
    site_choices,
    specialty_choices,
)
from tools.formatting import describe_option, summarize

NAME = "find_slots"
DESCRIPTION = (
    "Search open appointment slots. Every argument is optional; give what the patient said. "
    "Returns numbered options with slot_id values to book, or alternatives when none match, or "
    "status choose_visit_type with the visit types to ask the patient about."
)
MAX_OPTIONS = 5
# More than shown, so that options left out for the patient still leave enough to show.
SEARCH_LIMIT = 20
ADULT_AGE = 18
PEDIATRIC_SPECIALTIES = {"pediatrics", "pediatric dentistry"}
WIDER_SEARCH_DAYS = 21


class FindSlotsArgs(BaseModel):
    provider: str | None = Field(None, description="Provider name as the patient said it, e.g. 'Dr. Lee'", max_length=100)
    specialty: str | None = Field(None, description="Specialty, e.g. 'dermatology'", max_length=100)
    appointment_type: str | None = Field(None, description="Visit type, e.g. 'checkup'", max_length=100)
    site: str | None = Field(None, description="Site name or city", max_length=100)
    date_from: dt.date | None = Field(None, description="First date, YYYY-MM-DD")
    date_to: dt.date | None = Field(None, description="Last date, YYYY-MM-DD")
    time_of_day: Literal["morning", "afternoon", "evening"] | None = None
    after: str | None = Field(None, description="Earliest local start time, HH:MM", pattern=r"^\d{2}:\d{2}$")
    before: str | None = Field(None, description="Latest local start time, HH:MM", pattern=r"^\d{2}:\d{2}$")

    @field_validator("date_to")
    @classmethod
    def _ordered(cls, value: dt.date | None, info) -> dt.date | None:
        start = info.data.get("date_from")
        if value and start and value < start:
            raise ValueError(f"date_to {value} is before date_from {start}; swap them")
        return value


def _resolve(context: ToolContext, args: FindSlotsArgs) -> dict:
    """Turn names into directory ids; return {"filters": ...} or an ambiguity/unknown error result."""
    directory = context.directory()
    filters: dict = {}
    lookups = [
        ("provider", args.provider, provider_choices, "provider_id"),
        ("site", args.site, site_choices, "site_id"),
        ("appointment_type", args.appointment_type, appointment_type_choices, "appointment_type_id"),
        ("specialty", args.specialty, specialty_choices, "specialty"),
    ]
    for label, value, choices_of, param in lookups:
        if not value:
            continue
        choices = choices_of(directory)
        matches = match_names(value, choices)
        if not matches:
            known = sorted({names[0] for names in choices.values()})
            message = f"no {label} matches '{value}'"
            return {"status": "error", "code": f"unknown_{label}", "message": message, "value": value, "known": known}
        if len(matches) > 1:
            return {"status": "ambiguous", "slot": label, "candidates": [choices[item][0] for item in matches]}
        filters[param] = matches[0]
    return {"filters": filters}


def _search(context: ToolContext, filters: dict, args: FindSlotsArgs) -> list[dict]:
    slots = context.client.search_slots(
        **filters,
        start_date=args.date_from,
        end_date=args.date_to or args.date_from,
        time_of_day=args.time_of_day,
        after=args.after,
        before=args.before,
        limit=SEARCH_LIMIT,
    )
    return _suitable(context, slots, filters)[:MAX_OPTIONS]


def _suitable(context: ToolContext, slots: list[dict], filters: dict) -> list[dict]:
    """Leave out pediatric providers for adults unless the patient asked for one by name or specialty."""
    if "provider_id" in filters or "specialty" in filters:
        return slots
    born = dt.date.fromisoformat(context.patient()["date_of_birth"])
    today = dt.date.today()
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age < ADULT_AGE:
        return slots
    pediatric = {p["id"] for p in context.directory()["providers"] if p["specialty"] in PEDIATRIC_SPECIALTIES}
    return [slot for slot in slots if slot["provider_id"] not in pediatric]


def _alternatives(context: ToolContext, filters: dict, args: FindSlotsArgs) -> tuple[str, list[dict]]:
    """Relax the search step by step: drop the time of day, widen the dates, then drop the provider."""
    start = args.date_from or dt.date.today()
    wider = {"start_date": start, "end_date": start + dt.timedelta(days=WIDER_SEARCH_DAYS), "limit": MAX_OPTIONS}
    attempts = [("other times", {**filters, **wider})]
    if "provider_id" in filters:
        provider = next(p for p in context.directory()["providers"] if p["id"] == filters["provider_id"])
        rest = {key: value for key, value in filters.items() if key != "provider_id"}
        attempts.append(("other providers", {**rest, "specialty": provider["specialty"], **wider}))
    for relaxed, query in attempts:
        try:
            slots = _suitable(context, context.client.search_slots(**{**query, "limit": SEARCH_LIMIT}), query)[:MAX_OPTIONS]
        except ApiError:
            continue
        if slots:
            return relaxed, slots
    return "", []


def run(context: ToolContext, args: FindSlotsArgs) -> dict:
    resolved = _resolve(context, args)
    if "filters" not in resolved:
        return resolved
    filters = resolved["filters"]
    slots = _search(context, filters, args)
    visit_types = sorted({slot["appointment_type_name"] for slot in slots})
    if not args.appointment_type and len(visit_types) > 1:
        # The same time is bookable as several visit types; booking one at random could be wrong.
        return {"status": "choose_visit_type", "visit_types": visit_types}
    result: dict = {"status": "ok"}
    if not slots:
        relaxed, slots = _alternatives(context, filters, args)
        result.update(no_exact_match=True, relaxed=relaxed)
    context.remember_slots(slots)
    context.session.offered = slots
    result["options"] = [
        {"option": index, **summarize(slot), "slot_id": slot["slot_id"], "label": describe_option(index, slot)}
        for index, slot in enumerate(slots, start=1)
    ]
    return result


def build(context: ToolContext):
    return build_tool(context, NAME, DESCRIPTION, FindSlotsArgs, run)
