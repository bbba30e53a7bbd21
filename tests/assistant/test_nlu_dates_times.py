"""Date and time extractors, with a fixed clock, across month, year and DST boundaries."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from assistant.engines.local.nlu.base import Context
from assistant.engines.local.nlu.dates import extract_dates
from assistant.engines.local.nlu.times import extract_times
from assistant.engines.local.state import DateRange, Lexicon, TimeRange

ZONE = ZoneInfo("America/New_York")
WEDNESDAY = dt.datetime(2025, 3, 5, 10, 0, tzinfo=ZONE)  # Wednesday 5 March 2025
NEW_YEARS_EVE = dt.datetime(2025, 12, 31, 16, 0, tzinfo=ZONE)  # Wednesday
DST_SATURDAY = dt.datetime(2025, 3, 8, 23, 30, tzinfo=ZONE)  # clocks go forward on Sunday 9 March
MONTH_END = dt.datetime(2025, 1, 31, 9, 0, tzinfo=ZONE)  # Friday


def dates(text, now=WEDNESDAY):
    return [(m.slot, m.value, m.text) for m in extract_dates(text, Context(Lexicon(), now))]


@pytest.mark.parametrize("text, value, span", [
    ("today please", dt.date(2025, 3, 5), "today"),
    ("tomorrow", dt.date(2025, 3, 6), "tomorrow"),
    ("the day after tomorrow", dt.date(2025, 3, 7), "the day after tomorrow"),
    ("next Tuesday", dt.date(2025, 3, 11), "next Tuesday"),
    ("this Friday", dt.date(2025, 3, 7), "this Friday"),
    ("Tuesday", dt.date(2025, 3, 11), "Tuesday"),
    ("on Wednesday", dt.date(2025, 3, 12), "Wednesday"),
    ("this Wednesday", dt.date(2025, 3, 5), "this Wednesday"),
    ("on the 11th", dt.date(2025, 3, 11), "the 11th"),
    ("the 3rd", dt.date(2025, 4, 3), "the 3rd"),
    ("March 30", dt.date(2025, 3, 30), "March 30"),
    ("3/14", dt.date(2025, 3, 14), "3/14"),
    ("2027-01-05", dt.date(2027, 1, 5), "2027-01-05"),
    ("in two weeks", dt.date(2025, 3, 19), "in two weeks"),
    ("in 3 days", dt.date(2025, 3, 8), "in 3 days"),
    ("14th of March", dt.date(2025, 3, 14), "14th of March"),
    ("the 12th of this month", dt.date(2025, 3, 12), "12th of this month"),
    ("the first of next month", dt.date(2025, 4, 1), "first of next month"),
    ("Thursday next week", dt.date(2025, 3, 13), "Thursday next week"),
    ("later today", dt.date(2025, 3, 5), "later today"),
    ("Dec 20", dt.date(2025, 12, 20), "Dec 20"),
    ("Sept. 4", dt.date(2025, 9, 4), "Sept. 4"),
])
def test_single_dates(text, value, span):
    assert dates(text) == [("date", value, span)]


@pytest.mark.parametrize("text, start, end", [
    ("next week", dt.date(2025, 3, 10), dt.date(2025, 3, 16)),
    ("this week", dt.date(2025, 3, 5), dt.date(2025, 3, 9)),
    ("this weekend", dt.date(2025, 3, 8), dt.date(2025, 3, 9)),
    ("next weekend", dt.date(2025, 3, 15), dt.date(2025, 3, 16)),
    ("later this month", dt.date(2025, 3, 5), dt.date(2025, 3, 31)),
    ("next month", dt.date(2025, 4, 1), dt.date(2025, 4, 30)),
])
def test_date_ranges(text, start, end):
    assert dates(text) == [("date", DateRange(start, end), text)]


@pytest.mark.parametrize("text, message", [
    ("Feb 30", "Feb 30 is not a valid date. Please choose another date."),
    ("April 31st", "April 31st is not a valid date. Please choose another date."),
    ("March 3", "March 3 is in the past. Please choose a date from today on."),
    ("2024-06-01", "2024-06-01 is in the past. Please choose a date from today on."),
    ("January 5, 2024", "January 5, 2024 is in the past. Please choose a date from today on."),
    ("3/1", "3/1 (Sat Mar 1) is in the past. Please choose a date from today on."),
])
def test_date_problems(text, message):
    assert dates(text) == [("problem:date", message, text)]


@pytest.mark.parametrize("text, value", [
    ("tomorrow", dt.date(2026, 1, 1)),
    ("January 5", dt.date(2026, 1, 5)),
    ("the 2nd", dt.date(2026, 1, 2)),
    ("next Monday", dt.date(2026, 1, 5)),
    ("in two weeks", dt.date(2026, 1, 14)),
])
def test_dates_across_year_end(text, value):
    assert dates(text, NEW_YEARS_EVE)[0][1] == value


@pytest.mark.parametrize("text, value", [
    ("tomorrow", dt.date(2025, 2, 1)),
    ("the 30th", dt.date(2025, 3, 30)),
    ("the 31st", dt.date(2025, 1, 31)),
    ("this weekend", DateRange(dt.date(2025, 2, 1), dt.date(2025, 2, 2))),
])
def test_dates_across_month_end(text, value):
    assert dates(text, MONTH_END)[0][1] == value


def test_dates_around_dst_change():
    assert dates("tomorrow", DST_SATURDAY)[0][1] == dt.date(2025, 3, 9)
    assert dates("Monday", DST_SATURDAY)[0][1] == dt.date(2025, 3, 10)
    assert dates("in 2 days", DST_SATURDAY)[0][1] == dt.date(2025, 3, 10)


def test_words_that_are_not_dates():
    assert dates("may I come in") == []
    assert dates("I sat down") == []


def times(text):
    return [(m.slot, m.value, m.text) for m in extract_times(text, Context(Lexicon(), WEDNESDAY))]


@pytest.mark.parametrize("text, value, span", [
    ("10:30", dt.time(10, 30), "10:30"),
    ("3pm", dt.time(15), "3pm"),
    ("5:30 p.m.", dt.time(17, 30), "5:30 p.m."),
    ("at 3", dt.time(15), "3"),
    ("at 9", dt.time(9), "9"),
    ("noon", dt.time(12), "noon"),
    ("midnight", dt.time(0), "midnight"),
    ("half past four", dt.time(16, 30), "half past four"),
    ("quarter to 5", dt.time(16, 45), "quarter to 5"),
    ("quarter past 1 in the afternoon", dt.time(13, 15), "quarter past 1 in the afternoon"),
    ("four in the evening", dt.time(16), "four in the evening"),
    ("evening 4", dt.time(16), "evening 4"),
    ("afternoon 3:30", dt.time(15, 30), "afternoon 3:30"),
    ("morning 11:30", dt.time(11, 30), "morning 11:30"),
    ("16:30", dt.time(16, 30), "16:30"),
    ("12 in the afternoon", dt.time(12), "12 in the afternoon"),
    ("12 am", dt.time(0), "12 am"),
    ("three pm", dt.time(15), "three pm"),
    ("anytime half past 3 in the afternoon?", dt.time(15, 30), "half past 3 in the afternoon"),
    ("11 o'clock in the morning", dt.time(11), "11 o'clock in the morning"),
])
def test_clock_times(text, value, span):
    assert times(text) == [("time", value, span)]


@pytest.mark.parametrize("text, value", [
    ("after 3", TimeRange(dt.time(15), None)),
    ("before 11am", TimeRange(None, dt.time(11))),
    ("between 2 and 4", TimeRange(dt.time(14), dt.time(16))),
    ("from 9 to 11", TimeRange(dt.time(9), dt.time(11))),
    ("morning", TimeRange(None, dt.time(12))),
    ("in the afternoon", TimeRange(dt.time(12), dt.time(17))),
    ("evening", TimeRange(dt.time(17), None)),
])
def test_time_ranges(text, value):
    assert times(text) == [("time_range", value, text)]


@pytest.mark.parametrize("text", ["the second one", "2", "I have 2 kids", "one more thing"])
def test_numbers_that_are_not_times(text):
    assert times(text) == []
