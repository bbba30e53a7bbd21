"""Availability: weekly templates, minus holidays and time off, minus booked appointments.

Slots lie on a grid of the appointment type's duration, counted from the template's local start.
Local wall-clock times are converted to UTC date by date with zoneinfo, so a 9:00 template stays
9:00 local across DST changes. A local time that does not exist on a spring-forward day is
skipped; an ambiguous one on a fall-back day takes its first occurrence.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from scheduling.models import (
    CLAIM_UNIT_MINUTES,
    AppointmentType,
    AvailabilityException,
    AvailabilityTemplate,
    Provider,
    Site,
    SlotClaim,
)

UTC = dt.timezone.utc
SLOT_ID_PATTERN = re.compile(r"^(\d{1,10})\.(\d{1,10})\.(\d{1,10})\.(\d{8}T\d{4})Z$")
MORNING_END = dt.time(12, 0)
EVENING_START = dt.time(17, 0)
# Days searched past the point where `limit` slots were found, because one local date in two
# zones can map to UTC instants up to a day apart.
LOOKAHEAD_DAYS = 2


@dataclass(frozen=True)
class SlotRef:
    """Parsed `slot_id`: "{provider_id}.{site_id}.{appointment_type_id}.{YYYYMMDDTHHMMZ}"."""

    provider_id: int
    site_id: int
    appointment_type_id: int
    start_utc: dt.datetime

    @classmethod
    def parse(cls, slot_id: str) -> SlotRef:
        """Parse a slot id; raise ValueError when its shape or its time is invalid."""
        match = SLOT_ID_PATTERN.match(slot_id)
        if match is None:
            raise ValueError("expected {provider_id}.{site_id}.{appointment_type_id}.YYYYMMDDTHHMMZ")
        provider_id, site_id, type_id, stamp = match.groups()
        start = dt.datetime.strptime(stamp, "%Y%m%dT%H%M").replace(tzinfo=UTC)
        return cls(int(provider_id), int(site_id), int(type_id), start)

    def to_id(self) -> str:
        """Format the opaque slot id."""
        stamp = self.start_utc.astimezone(UTC).strftime("%Y%m%dT%H%MZ")
        return f"{self.provider_id}.{self.site_id}.{self.appointment_type_id}.{stamp}"


@dataclass(frozen=True)
class Slot:
    """Bookable time of one provider, site and appointment type."""

    provider: Provider
    site: Site
    appointment_type: AppointmentType
    start: dt.datetime
    end: dt.datetime

    @property
    def ref(self) -> SlotRef:
        return SlotRef(self.provider.id, self.site.id, self.appointment_type.id,
                       self.start.astimezone(UTC))

    @property
    def time_zone(self) -> str:
        return self.site.time_zone


@dataclass(frozen=True)
class SlotFilter:
    """Search criteria, where None means any. Dates are inclusive and local to each site."""

    start_date: dt.date
    end_date: dt.date
    provider_id: int | None = None
    site_id: int | None = None
    appointment_type_id: int | None = None
    specialty: str | None = None
    after: dt.time | None = None
    before: dt.time | None = None


def claim_units(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """Return the UTC starts of every claim unit from `start` up to, not including, `end`."""
    step = dt.timedelta(minutes=CLAIM_UNIT_MINUTES)
    units = []
    current = start.astimezone(UTC)
    while current < end:
        units.append(current)
        current += step
    return units


def local_instant(day: dt.date, clock: dt.time, zone: ZoneInfo) -> dt.datetime | None:
    """Return the aware instant of a local wall-clock time, or None if DST skips it."""
    candidate = dt.datetime.combine(day, clock, tzinfo=zone)
    round_trip = candidate.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != candidate.replace(tzinfo=None):
        return None
    return candidate


def search_slots(session: Session, org_id: int, flt: SlotFilter, now: dt.datetime,
                 limit: int) -> list[Slot]:
    """Return up to `limit` open future slots matching `flt`, in start order."""
    templates = _load_templates(session, org_id, flt)
    closed = _load_closures(session, org_id, flt.start_date, flt.end_date)
    taken = _load_taken_units(session, {template.provider_id for template in templates}, flt)

    found: list[Slot] = []
    stop_after: dt.date | None = None
    day = flt.start_date
    while day <= flt.end_date and (stop_after is None or day <= stop_after):
        for slot in _slots_on(day, templates, flt, closed):
            if slot.start > now and not _overlaps(slot, taken):
                found.append(slot)
        if stop_after is None and len(found) >= limit:
            stop_after = day + dt.timedelta(days=LOOKAHEAD_DAYS)
        day += dt.timedelta(days=1)

    found.sort(key=lambda slot: (slot.start, slot.provider.id, slot.site.id,
                                 slot.appointment_type.id))
    return found[:limit]


def find_offered_slot(session: Session, org_id: int, ref: SlotRef) -> Slot | None:
    """Return the slot `ref` names if a template offers it, whether booked or not.

    Returns None when the provider, site or type is unknown in the organization, when the
    provider does not offer that type at that site, or when the time is off the grid or closed.
    Callers check for the past and for bookings themselves.
    """
    site = session.get(Site, ref.site_id)
    if site is None or site.organization_id != org_id:
        return None
    local_day = ref.start_utc.astimezone(ZoneInfo(site.time_zone)).date()
    flt = SlotFilter(start_date=local_day, end_date=local_day, provider_id=ref.provider_id,
                     site_id=ref.site_id, appointment_type_id=ref.appointment_type_id)
    templates = _load_templates(session, org_id, flt)
    closed = _load_closures(session, org_id, local_day, local_day)
    for slot in _slots_on(local_day, templates, flt, closed):
        if slot.ref == ref:
            return slot
    return None


@dataclass(frozen=True)
class _Closures:
    site_days: set[tuple[int, dt.date]]
    provider_days: set[tuple[int, dt.date]]


def _load_templates(session: Session, org_id: int, flt: SlotFilter) -> list[AvailabilityTemplate]:
    query = (
        select(AvailabilityTemplate)
        .join(Provider, Provider.id == AvailabilityTemplate.provider_id)
        .where(Provider.organization_id == org_id)
        .options(selectinload(AvailabilityTemplate.provider).selectinload(Provider.appointment_types),
                 selectinload(AvailabilityTemplate.site))
        .order_by(AvailabilityTemplate.id)
    )
    if flt.provider_id is not None:
        query = query.where(AvailabilityTemplate.provider_id == flt.provider_id)
    if flt.site_id is not None:
        query = query.where(AvailabilityTemplate.site_id == flt.site_id)
    if flt.specialty is not None:
        query = query.where(Provider.specialty.ilike(flt.specialty.strip()))
    return list(session.scalars(query))


def _load_closures(session: Session, org_id: int, first: dt.date, last: dt.date) -> _Closures:
    rows = session.scalars(
        select(AvailabilityException).where(
            AvailabilityException.organization_id == org_id,
            AvailabilityException.start_date <= last,
            AvailabilityException.end_date >= first,
        )
    )
    closures = _Closures(set(), set())
    for row in rows:
        for day in _days(max(row.start_date, first), min(row.end_date, last)):
            if row.site_id is not None:
                closures.site_days.add((row.site_id, day))
            if row.provider_id is not None:
                closures.provider_days.add((row.provider_id, day))
    return closures


def _load_taken_units(session: Session, provider_ids: set[int],
                      flt: SlotFilter) -> set[tuple[int, dt.datetime]]:
    if not provider_ids:
        return set()
    # Local dates span at most a day on either side of the same UTC dates.
    first = dt.datetime.combine(flt.start_date - dt.timedelta(days=1), dt.time(), tzinfo=UTC)
    last = dt.datetime.combine(flt.end_date + dt.timedelta(days=2), dt.time(), tzinfo=UTC)
    rows = session.execute(
        select(SlotClaim.provider_id, SlotClaim.unit_start).where(
            SlotClaim.provider_id.in_(provider_ids),
            SlotClaim.unit_start >= first,
            SlotClaim.unit_start < last,
        )
    )
    return {(provider_id, unit_start) for provider_id, unit_start in rows}


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def _slots_on(day: dt.date, templates: Iterable[AvailabilityTemplate], flt: SlotFilter,
              closed: _Closures) -> Iterator[Slot]:
    for template in templates:
        if template.weekday != day.weekday() or not _template_valid_on(template, day):
            continue
        if (template.site_id, day) in closed.site_days:
            continue
        if (template.provider_id, day) in closed.provider_days:
            continue
        for appointment_type in template.provider.appointment_types:
            if flt.appointment_type_id in (None, appointment_type.id):
                yield from _grid(day, template, appointment_type, flt)


def _template_valid_on(template: AvailabilityTemplate, day: dt.date) -> bool:
    if template.valid_from is not None and day < template.valid_from:
        return False
    return template.valid_until is None or day <= template.valid_until


def _grid(day: dt.date, template: AvailabilityTemplate, appointment_type: AppointmentType,
          flt: SlotFilter) -> Iterator[Slot]:
    zone = ZoneInfo(template.site.time_zone)
    duration = dt.timedelta(minutes=appointment_type.duration_minutes)
    window_end = dt.datetime.combine(day, template.end_time)
    local = dt.datetime.combine(day, template.start_time)
    while local + duration <= window_end:
        clock = local.time()
        in_range = (flt.after is None or clock >= flt.after) and (
            flt.before is None or clock < flt.before)
        start = local_instant(day, clock, zone) if in_range else None
        if start is not None:
            end = (start.astimezone(UTC) + duration).astimezone(zone)
            yield Slot(template.provider, template.site, appointment_type, start, end)
        local += duration


def _overlaps(slot: Slot, taken: set[tuple[int, dt.datetime]]) -> bool:
    return any((slot.provider.id, unit) in taken for unit in claim_units(slot.start, slot.end))
