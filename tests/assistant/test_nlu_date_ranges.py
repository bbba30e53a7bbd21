"""Month-only and open date ranges, past dates, and dates counted from the one under discussion."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from assistant.engines.local.nlu.base import Context
from assistant.engines.local.nlu.dates import extract_dates
from assistant.engines.local.state import DateRange, Lexicon, SystemAct

ZONE = ZoneInfo("America/New_York")
WEDNESDAY = dt.datetime(2025, 3, 5, 10, 0, tzinfo=ZONE)  # Wednesday 5 March 2025
FRIDAY = dt.datetime(2025, 3, 7, 10, 0, tzinfo=ZONE)
MARCH_20 = dt.datetime(2025, 3, 20, 10, 0, tzinfo=ZONE)  # Thursday


def dates(text, now=WEDNESDAY, anchor=None, system=None):
    context = Context(Lexicon(), now, system, anchor)
    return [(m.slot, m.value, m.text) for m in extract_dates(text, context)]


def span(start, end):
    return DateRange(dt.date(*start), dt.date(*end))


@pytest.mark.parametrize("text, value, words", [
    ("in June", span((2025, 6, 1), (2025, 6, 30)), "in June"),
    ("sometime in January", span((2026, 1, 1), (2026, 1, 31)), "sometime in January"),
    ("anytime in march", span((2025, 3, 5), (2025, 3, 31)), "anytime in march"),
    ("during the month of July", span((2025, 7, 1), (2025, 7, 31)), "during the month of July"),
    ("in June 2026", span((2026, 6, 1), (2026, 6, 30)), "in June 2026"),
    ("early next month", span((2025, 4, 1), (2025, 4, 10)), "early next month"),
    ("mid-June", span((2025, 6, 11), (2025, 6, 20)), "mid-June"),
    ("late April", span((2025, 4, 21), (2025, 4, 30)), "late April"),
    ("the beginning of May", span((2025, 5, 1), (2025, 5, 10)), "the beginning of May"),
    ("end of the month", span((2025, 3, 25), (2025, 3, 31)), "end of the month"),
    ("towards the end of next month", span((2025, 4, 24), (2025, 4, 30)), "towards the end of next month"),
    ("the week of the 14th", span((2025, 3, 10), (2025, 3, 16)), "the week of the 14th"),
    ("week of March 24", span((2025, 3, 24), (2025, 3, 30)), "week of March 24"),
    ("the week of the 5th", span((2025, 3, 5), (2025, 3, 9)), "the week of the 5th"),
    ("first week of January", span((2026, 1, 1), (2026, 1, 7)), "first week of January"),
    ("the last week of April", span((2025, 4, 24), (2025, 4, 30)), "the last week of April"),
    ("second week of next month", span((2025, 4, 8), (2025, 4, 14)), "second week of next month"),
    ("within the next two weeks", span((2025, 3, 5), (2025, 3, 19)), "within the next two weeks"),
    ("in the next few days", span((2025, 3, 5), (2025, 3, 8)), "in the next few days"),
])
def test_open_ranges(text, value, words):
    assert dates(text) == [("date", value, words)]


def test_any_day_next_week():
    assert dates("any day next week") == [("date", span((2025, 3, 10), (2025, 3, 16)), "next week")]


def test_month_with_day_is_a_single_date():
    assert dates("in June 5") == [("date", dt.date(2025, 6, 5), "June 5")]
    assert dates("for March the 30th") == [("date", dt.date(2025, 3, 30), "March the 30th")]


@pytest.mark.parametrize("text, message", [
    ("next year", "Next year is too broad to search. Please name a month or a date, for example early January 2026."),
    ("sometime this year", "Sometime this year is too broad to search. Please name a month or a date, for example early April."),
])
def test_whole_year_is_too_broad(text, message):
    assert dates(text) == [("problem:date", message, text)]


@pytest.mark.parametrize("text, message", [
    ("early this month", "Early this month (Mar 1 to Mar 10) is in the past. Please choose a date from today on."),
    ("the first week of March", "The first week of March (Mar 1 to Mar 7) is in the past. Please choose a date from today on."),
])
def test_ended_ranges_are_problems(text, message):
    assert dates(text, MARCH_20) == [("problem:date", message, text)]


@pytest.mark.parametrize("text, message, words", [
    ("yesterday", "Yesterday (Tue Mar 4) is in the past. Please choose a date from today on.", "yesterday"),
    ("how about last Friday?", "Last Friday (Fri Feb 28) is in the past. Please choose a date from today on.", "last Friday"),
    ("book me for 2 days ago", "2 days ago (Mon Mar 3) is in the past. Please choose a date from today on.", "2 days ago"),
    ("a week ago", "A week ago (Wed Feb 26) is in the past. Please choose a date from today on.", "a week ago"),
    ("the day before yesterday", "The day before yesterday (Mon Mar 3) is in the past. Please choose a date from today on.", "the day before yesterday"),
    ("last week", "Last week (Feb 24 to Mar 2) is in the past. Please choose a date from today on.", "last week"),
])
def test_past_dates_are_problems(text, message, words):
    assert dates(text) == [("problem:date", message, words)]


def test_last_weekday_on_same_weekday():
    message = dates("last Friday", FRIDAY)[0][1]
    assert message.startswith("Last Friday (Fri Feb 28) is in the past.")


@pytest.mark.parametrize("text", [
    "my knee has hurt since last Friday, can I see someone?",
    "I fell yesterday and my wrist is swollen, who can see me",
    "the rash started 2 days ago and is spreading, I need a dermatologist",
])
def test_past_dates_in_a_story_are_ignored(text):
    assert dates(text) == []


def test_past_date_after_date_request():
    text = "so I was thinking maybe that yesterday would work for me"
    asked = SystemAct(requested=("date",))
    assert dates(text, system=asked)[0][0] == "problem:date"
    assert dates(text) == []


@pytest.mark.parametrize("text, value", [
    ("the following Monday", dt.date(2025, 3, 17)),
    ("the following week", span((2025, 3, 17), (2025, 3, 23))),
    ("the day after", dt.date(2025, 3, 12)),
    ("what about the next day", dt.date(2025, 3, 12)),
])
def test_dates_after_the_anchor(text, value):
    assert dates(text, anchor=dt.date(2025, 3, 11))[0][1] == value


def test_following_weekday_without_anchor_is_next_weeks():
    assert dates("the following Monday")[0][1] == dt.date(2025, 3, 10)
    assert dates("the day after") == []


def test_weekday_named_on_that_day_is_next_weeks():
    assert dates("Friday", FRIDAY) == [("date", dt.date(2025, 3, 14), "Friday")]
    assert dates("this Friday", FRIDAY) == [("date", dt.date(2025, 3, 7), "this Friday")]


@pytest.mark.parametrize("text", [
    "I want to start in the morning",
    "I was in marching band",
    "I'll be in touch",
])
def test_phrases_that_are_not_ranges(text):
    assert [item for item in dates(text) if isinstance(item[1], DateRange)] == []
