"""Slot computation on a real database: DST weeks, grids, holidays, time off, bookings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from scheduling.booking import book
from scheduling.db import make_engine, make_session_factory
from scheduling.models import (
    AppointmentType,
    AvailabilityException,
    AvailabilityTemplate,
    Organization,
    Patient,
    Provider,
    Site,
)
from scheduling.slots import SlotFilter, search_slots

UTC = dt.timezone.utc
BEFORE_FALL_BACK = dt.datetime(2026, 10, 1, tzinfo=UTC)
ZONES = ("America/New_York", "America/Los_Angeles", "America/Phoenix")


@dataclass
class Clinic:
    """Synthetic clinic with one provider open every day at three sites."""

    session: Session
    org: Organization
    sites: dict[str, Site]
    provider: Provider
    other: Provider
    short: AppointmentType
    long: AppointmentType
    patient: Patient


def _add(session: Session, row: object) -> object:
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def clinic(database_url: str) -> Iterator[Clinic]:
    engine = make_engine(database_url)
    session = make_session_factory(engine)()
    org = _add(session, Organization(name="Slot Test Clinic"))
    sites = {zone: _add(session, Site(organization_id=org.id, name=zone, city=zone,
                                      address="1 Test Road", time_zone=zone))
             for zone in ZONES}
    short = _add(session, AppointmentType(organization_id=org.id, name="Short",
                                          duration_minutes=30, aliases=[]))
    long = _add(session, AppointmentType(organization_id=org.id, name="Long",
                                         duration_minutes=45, aliases=[]))
    provider = _add(session, Provider(organization_id=org.id, name="Test One",
                                      display_name="Dr. Test One", specialty="family medicine"))
    other = _add(session, Provider(organization_id=org.id, name="Test Two",
                                   display_name="Dr. Test Two", specialty="dermatology"))
    for person in (provider, other):
        person.sites = list(sites.values())
        person.appointment_types = [short, long]
        for site in sites.values():
            for weekday in range(7):
                session.add(AvailabilityTemplate(provider_id=person.id, site_id=site.id,
                                                 weekday=weekday, start_time=dt.time(9),
                                                 end_time=dt.time(12)))
    patient = _add(session, Patient(organization_id=org.id, first_name="Test", last_name="Person",
                                    date_of_birth=dt.date(1990, 1, 1), phone="(555) 555-0199",
                                    email="test.person@example.com"))
    session.commit()
    yield Clinic(session, org, sites, provider, other, short, long, patient)
    session.close()
    engine.dispose()


def _search(clinic: Clinic, first: dt.date, last: dt.date, now: dt.datetime = BEFORE_FALL_BACK,
            **filters: object) -> list:
    flt = SlotFilter(start_date=first, end_date=last, **filters)  # type: ignore[arg-type]
    return search_slots(clinic.session, clinic.org.id, flt, now, limit=10_000)


def _first_starts(clinic: Clinic, zone: str, first: dt.date, last: dt.date) -> dict[dt.date, dt.datetime]:
    slots = _search(clinic, first, last, provider_id=clinic.provider.id,
                    site_id=clinic.sites[zone].id, appointment_type_id=clinic.short.id)
    starts: dict[dt.date, dt.datetime] = {}
    for slot in slots:
        starts.setdefault(slot.start.date(), slot.start)
    return starts


@pytest.mark.parametrize(("zone", "utc_hour_before", "utc_hour_after"), [
    ("America/New_York", 13, 14),
    ("America/Los_Angeles", 16, 17),
    ("America/Phoenix", 16, 16),
])
def test_fall_back_week_keeps_local_nine(clinic: Clinic, zone: str, utc_hour_before: int,
                                         utc_hour_after: int) -> None:
    starts = _first_starts(clinic, zone, dt.date(2026, 10, 28), dt.date(2026, 11, 4))
    assert sorted(starts) == [dt.date(2026, 10, 28) + dt.timedelta(days=n) for n in range(8)]
    for day, start in starts.items():
        assert start.timetz().replace(tzinfo=None) == dt.time(9), day
        assert start.tzinfo == ZoneInfo(zone)
        expected = utc_hour_before if day < dt.date(2026, 11, 1) else utc_hour_after
        assert start.astimezone(UTC).hour == expected, day


@pytest.mark.parametrize(("zone", "utc_hour_before", "utc_hour_after"), [
    ("America/New_York", 14, 13),
    ("America/Los_Angeles", 17, 16),
    ("America/Phoenix", 16, 16),
])
def test_spring_forward_week_keeps_local_nine(clinic: Clinic, zone: str, utc_hour_before: int,
                                              utc_hour_after: int) -> None:
    starts = _first_starts(clinic, zone, dt.date(2027, 3, 10), dt.date(2027, 3, 17))
    assert len(starts) == 8
    for day, start in starts.items():
        assert start.timetz().replace(tzinfo=None) == dt.time(9), day
        expected = utc_hour_before if day < dt.date(2027, 3, 14) else utc_hour_after
        assert start.astimezone(UTC).hour == expected, day


def test_spring_forward_skips_missing_hour(clinic: Clinic) -> None:
    site = clinic.sites["America/New_York"]
    clinic.session.add(AvailabilityTemplate(provider_id=clinic.provider.id, site_id=site.id,
                                            weekday=6, start_time=dt.time(1),
                                            end_time=dt.time(4)))
    clinic.session.commit()
    slots = _search(clinic, dt.date(2027, 3, 14), dt.date(2027, 3, 14),
                    provider_id=clinic.provider.id, site_id=site.id,
                    appointment_type_id=clinic.short.id, before=dt.time(5))
    local_times = [slot.start.strftime("%H:%M") for slot in slots]
    assert local_times == ["01:00", "01:30", "03:00", "03:30"]


def test_fall_back_repeated_hour_once(clinic: Clinic) -> None:
    site = clinic.sites["America/Los_Angeles"]
    clinic.session.add(AvailabilityTemplate(provider_id=clinic.provider.id, site_id=site.id,
                                            weekday=6, start_time=dt.time(0),
                                            end_time=dt.time(3)))
    clinic.session.commit()
    slots = _search(clinic, dt.date(2026, 11, 1), dt.date(2026, 11, 1),
                    provider_id=clinic.provider.id, site_id=site.id,
                    appointment_type_id=clinic.short.id, before=dt.time(5))
    assert [slot.start.strftime("%H:%M") for slot in slots] == [
        "00:00", "00:30", "01:00", "01:30", "02:00", "02:30"]
    instants = [slot.start.astimezone(UTC) for slot in slots]
    assert len(set(instants)) == len(instants)
    assert instants == sorted(instants)


def test_grid_follows_duration(clinic: Clinic) -> None:
    slots = _search(clinic, dt.date(2026, 10, 5), dt.date(2026, 10, 5),
                    provider_id=clinic.provider.id, site_id=clinic.sites["America/Phoenix"].id,
                    appointment_type_id=clinic.long.id)
    assert [slot.start.strftime("%H:%M") for slot in slots] == ["09:00", "09:45", "10:30", "11:15"]
    assert all(slot.end - slot.start == dt.timedelta(minutes=45) for slot in slots)


def test_after_and_before_filter(clinic: Clinic) -> None:
    slots = _search(clinic, dt.date(2026, 10, 5), dt.date(2026, 10, 5),
                    provider_id=clinic.provider.id, site_id=clinic.sites["America/Phoenix"].id,
                    appointment_type_id=clinic.short.id, after=dt.time(10), before=dt.time(11))
    assert [slot.start.strftime("%H:%M") for slot in slots] == ["10:00", "10:30"]


def test_holiday_closes_one_site_one_day(clinic: Clinic) -> None:
    site = clinic.sites["America/New_York"]
    holiday = dt.date(2026, 10, 12)
    clinic.session.add(AvailabilityException(organization_id=clinic.org.id, kind="holiday",
                                             site_id=site.id, start_date=holiday,
                                             end_date=holiday))
    clinic.session.commit()

    slots = _search(clinic, dt.date(2026, 10, 11), dt.date(2026, 10, 13))
    closed = [slot for slot in slots if slot.site.id == site.id and slot.start.date() == holiday]
    assert closed == []
    assert {slot.start.date() for slot in slots if slot.site.id == site.id} == {
        dt.date(2026, 10, 11), dt.date(2026, 10, 13)}
    assert any(slot.start.date() == holiday for slot in slots if slot.site.id != site.id)


def test_time_off_closes_one_provider(clinic: Clinic) -> None:
    clinic.session.add(AvailabilityException(organization_id=clinic.org.id, kind="time_off",
                                             provider_id=clinic.provider.id,
                                             start_date=dt.date(2026, 10, 6),
                                             end_date=dt.date(2026, 10, 8)))
    clinic.session.commit()

    slots = _search(clinic, dt.date(2026, 10, 5), dt.date(2026, 10, 9))
    own_days = {slot.start.date() for slot in slots if slot.provider.id == clinic.provider.id}
    other_days = {slot.start.date() for slot in slots if slot.provider.id == clinic.other.id}
    assert own_days == {dt.date(2026, 10, 5), dt.date(2026, 10, 9)}
    assert other_days == {dt.date(2026, 10, 5) + dt.timedelta(days=n) for n in range(5)}


def test_booking_removes_overlapping_slots(clinic: Clinic) -> None:
    site = clinic.sites["America/Phoenix"]
    day = dt.date(2026, 10, 5)
    long_slots = _search(clinic, day, day, provider_id=clinic.provider.id, site_id=site.id,
                         appointment_type_id=clinic.long.id)
    book(clinic.session, clinic.patient, long_slots[1].ref.to_id(), BEFORE_FALL_BACK)
    clinic.session.commit()

    remaining = _search(clinic, day, day, provider_id=clinic.provider.id, site_id=site.id)
    short_times = [slot.start.strftime("%H:%M") for slot in remaining
                   if slot.appointment_type.id == clinic.short.id]
    long_times = [slot.start.strftime("%H:%M") for slot in remaining
                  if slot.appointment_type.id == clinic.long.id]
    # The 09:45-10:30 booking blocks the 09:30 and 10:00 half hours, not 09:00 or 10:30.
    assert short_times == ["09:00", "10:30", "11:00", "11:30"]
    assert long_times == ["09:00", "10:30", "11:15"]
    others = _search(clinic, day, day, provider_id=clinic.other.id, site_id=site.id,
                     appointment_type_id=clinic.long.id)
    assert len(others) == 4


def test_past_slots_hidden(clinic: Clinic) -> None:
    site = clinic.sites["America/Phoenix"]
    now = dt.datetime(2026, 10, 5, 17, 10, tzinfo=UTC)  # 10:10 in Phoenix
    slots = _search(clinic, dt.date(2026, 10, 5), dt.date(2026, 10, 5), now=now,
                    provider_id=clinic.provider.id, site_id=site.id,
                    appointment_type_id=clinic.short.id)
    assert [slot.start.strftime("%H:%M") for slot in slots] == ["10:30", "11:00", "11:30"]
