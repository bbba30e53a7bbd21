"""Search of open slots."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduling.deps import NowDep, SessionDep, booking_lead
from scheduling.errors import ApiError
from scheduling.models import AppointmentType, Base, Provider, Site
from scheduling.schemas import ErrorOut, SlotList, SlotOut, SlotQuery
from scheduling.security import CurrentPatient
from scheduling.slots import EVENING_START, MORNING_END, Slot, SlotFilter, search_slots

router = APIRouter(prefix="/v1", tags=["slots"])

MAX_RANGE_DAYS = 62
DEFAULT_RANGE_DAYS = 14
TIME_OF_DAY_BOUNDS: dict[str, tuple[dt.time | None, dt.time | None]] = {
    "morning": (None, MORNING_END),
    "afternoon": (MORNING_END, EVENING_START),
    "evening": (EVENING_START, None),
}


@router.get("/slots", response_model=SlotList,
            responses={401: {"model": ErrorOut}, 404: {"model": ErrorOut},
                       422: {"model": ErrorOut}})
def list_slots(query: Annotated[SlotQuery, Query()], patient: CurrentPatient,
               session: SessionDep, now: NowDep, request: Request) -> SlotList:
    """Search open slots; dates are local to each site and default to the next 14 days.

    Raises ApiError 422 for a past start_date, a reversed or longer than 62-day range, or an
    empty time window, and 404 for an unknown provider, site or appointment type.
    """
    org_id = patient.organization_id
    check_ids_exist(session, org_id, query)
    flt = build_slot_filter(query, earliest_local_today(session, org_id, now))
    # Slots inside the online-booking notice period are not offered to patients.
    slots = search_slots(session, org_id, flt, now + booking_lead(request), query.limit)
    return SlotList(slots=[slot_out(slot) for slot in slots])


def slot_out(slot: Slot) -> SlotOut:
    """Convert a computed slot to its response shape."""
    return SlotOut(
        slot_id=slot.ref.to_id(),
        provider_id=slot.provider.id,
        provider_name=slot.provider.display_name,
        site_id=slot.site.id,
        site_name=slot.site.name,
        appointment_type_id=slot.appointment_type.id,
        appointment_type_name=slot.appointment_type.name,
        start=slot.start,
        end=slot.end,
        time_zone=slot.time_zone,
    )


def check_ids_exist(session: Session, org_id: int, query: SlotQuery) -> None:
    """Raise ApiError 404 for a provider, site or appointment type id outside `org_id`."""
    checks: list[tuple[type[Base], int | None, str, str]] = [
        (Provider, query.provider_id, "provider_id", "provider_not_found"),
        (Site, query.site_id, "site_id", "site_not_found"),
        (AppointmentType, query.appointment_type_id, "appointment_type_id",
         "appointment_type_not_found"),
    ]
    for model, value, field, code in checks:
        if value is None:
            continue
        row = session.get(model, value)
        if row is None or getattr(row, "organization_id") != org_id:
            raise ApiError(404, code, f"No {field.removesuffix('_id').replace('_', ' ')} has id "
                           f"{value}. See GET /v1/directory for valid ids.", field)


def earliest_local_today(session: Session, org_id: int, now: dt.datetime) -> dt.date:
    """Return today's date in the organization's westernmost site, the earliest calendar day."""
    zones = session.scalars(select(Site.time_zone).where(Site.organization_id == org_id))
    days = [now.astimezone(ZoneInfo(zone)).date() for zone in zones]
    return min(days, default=now.date())


def build_slot_filter(query: SlotQuery, today: dt.date) -> SlotFilter:
    """Turn the query into a filter; raise ApiError 422 for the date and time errors above."""
    start = query.start_date or today
    end = query.end_date or start + dt.timedelta(days=DEFAULT_RANGE_DAYS - 1)
    if start < today:
        raise ApiError(422, "date_in_past", f"start_date {start.isoformat()} is in the past. Use "
                       f"today ({today.isoformat()}) or a later date.", "start_date")
    if end < start:
        raise ApiError(422, "invalid_date_range", f"end_date {end.isoformat()} is before "
                       f"start_date {start.isoformat()}. Use an end_date on or after it.",
                       "end_date")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise ApiError(422, "date_range_too_long", f"The range {start.isoformat()} to "
                       f"{end.isoformat()} spans {(end - start).days + 1} days; search at most "
                       f"{MAX_RANGE_DAYS} days at a time.", "end_date")

    after, before = query.after, query.before
    if query.time_of_day is not None:
        lower, upper = TIME_OF_DAY_BOUNDS[query.time_of_day]
        after = max(filter(None, (after, lower)), default=None)
        before = min(filter(None, (before, upper)), default=None)
    if after is not None and before is not None and after >= before:
        raise ApiError(422, "empty_time_window", f"No time is both at or after {after:%H:%M} and "
                       f"before {before:%H:%M} (with time_of_day applied). Widen after/before.",
                       "before")
    return SlotFilter(start_date=start, end_date=end, provider_id=query.provider_id,
                      site_id=query.site_id, appointment_type_id=query.appointment_type_id,
                      specialty=query.specialty, after=after, before=before)
