"""Date extractor: absolute, relative and range expressions, resolved against the local date.

Conventions: a bare weekday ("Tuesday") is the next one after today, so "Friday" said on a
Friday is next week's; "this Tuesday" may be today; "next Tuesday" is the Tuesday of the
following calendar week (weeks start on Monday). A day of month without a month ("the 11th") is
the next such day from today. A month and day without a year is this year's, or next year's when
it passed more than `PAST_GRACE` ago; one that passed more recently is reported as a problem.
Dates that do not exist ("Feb 30") are problems too.

This module reads single dates. Ranges ("in June", "the week of the 14th") are in
`date_ranges`, past expressions ("yesterday") in `past_dates`, and dates relative to the date
under discussion ("the following Monday") in `anchored_dates`; `extract_dates` runs them all.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable, Iterator

from assistant.engines.local.nlu import anchored_dates, date_ranges, past_dates
from assistant.engines.local.nlu import calendar as cal
from assistant.engines.local.nlu.base import EXTRACTORS, Context, Mention, compile_pattern, keep_longest, mention, word_number
from assistant.engines.local.nlu.date_patterns import (
    COUNT, MONTH, MONTH_DAY, NOT_A_DATE, ORDINAL_DAY, WEEKDAY, YEAR, day_of, month_of,
)
from assistant.engines.local.nlu.date_problems import DateProblem, checked, invalid_date

PAST_GRACE = dt.timedelta(days=90)

__all__ = ["DateProblem", "extract_dates"]


def _checked(day: dt.date | None, text: str, context: Context) -> dt.date:
    return checked(day, text, context.today)


def _month_day(month: int, day: int, text: str, context: Context) -> dt.date:
    today = context.today
    candidate = cal.build_date(today.year, month, day)
    if candidate is None and cal.build_date(2000, month, day) is None:
        raise invalid_date(text)
    if candidate is None or candidate < today - PAST_GRACE:
        candidate = cal.build_date(today.year + 1, month, day)
    return _checked(candidate, text, context)


def _iso(m: re.Match, c: Context) -> dt.date:
    return _checked(cal.build_date(int(m["year"]), int(m["month"]), int(m["day"])), m[0], c)


def _slashed(m: re.Match, c: Context) -> dt.date:
    month, day = int(m["month"]), int(m["day"])
    if not m["year"]:
        return _month_day(month, day, m[0], c)
    year = int(m["year"])
    year = year + 2000 if year < 100 else year
    return _checked(cal.build_date(year, month, day), m[0], c)


def _named_month(m: re.Match, c: Context) -> dt.date:
    month = month_of(m)
    if m.groupdict().get("year"):
        return _checked(cal.build_date(int(m["year"]), month, day_of(m)), m[0], c)
    return _month_day(month, day_of(m), m[0], c)


def _relative_month_day(m: re.Match, c: Context) -> dt.date:
    first = cal.add_months(c.today, 1 if m["which"].lower() == "next" else 0)
    return _checked(cal.build_date(first.year, first.month, day_of(m)), m[0], c)


def _bare_day(m: re.Match, c: Context) -> dt.date:
    day = day_of(m)
    if not 1 <= day <= 31:
        raise invalid_date(m[0])
    return _checked(cal.day_of_month_from(c.today, day), m[0], c)


def _named_day(m: re.Match, c: Context) -> dt.date:
    word = m["word"].lower()
    if "after" in word:
        return c.today + dt.timedelta(days=2)
    if word.startswith("tom") or word == "tmrw":
        return c.today + dt.timedelta(days=1)
    return c.today


def _weekday(m: re.Match, c: Context) -> dt.date:
    weekday = cal.WEEKDAYS[m["weekday"].lower()]
    which = (m.groupdict().get("which") or "").lower()
    if "next" in which:
        return cal.next_week_weekday(c.today, weekday)
    if "this" in which or "coming" in which:
        return cal.upcoming_weekday(c.today, weekday, include_today=True)
    return cal.upcoming_weekday(c.today, weekday, include_today=False)


def _offset(m: re.Match, c: Context) -> dt.date:
    count = word_number(m["count"]) or 1
    days = count * 7 if m["unit"].lower().startswith("week") else count
    return c.today + dt.timedelta(days=days)


def _weekday_of_week(m: re.Match, c: Context) -> dt.date:
    weekday = cal.WEEKDAYS[m["weekday"].lower()]
    if (m["which"] or "next").lower() == "next":
        return cal.next_week_weekday(c.today, weekday)
    return cal.upcoming_weekday(c.today, weekday, include_today=True)


Resolver = Callable[[re.Match, Context], object]

SINGLE_PATTERNS: list[tuple[re.Pattern, Resolver]] = [
    (compile_pattern(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"), _iso),
    (compile_pattern(r"(?P<month>1[0-2]|0?[1-9])/(?P<day>[0-3]?\d)(?:/(?P<year>\d{4}|\d{2}))?"), _slashed),
    (compile_pattern(rf"{MONTH}\s+(?:the\s+)?{MONTH_DAY}{YEAR}"), _named_month),
    (compile_pattern(rf"{ORDINAL_DAY}\s+(?:day\s+)?of\s+{MONTH}{YEAR}"), _named_month),
    (compile_pattern(rf"{ORDINAL_DAY}(?:\s+day)?\s+of\s+(?:the\s+)?(?P<which>this|next)\s+month"), _relative_month_day),
    (compile_pattern(rf"the\s+{ORDINAL_DAY}|(?P<digits>[0-3]?\d)(?:st|nd|rd|th)"), _bare_day),
    (compile_pattern(r"(?:later\s+)?(?P<word>(?:the\s+)?day\s+after\s+tomorrow|tomorrow|tmrw|tomorow|today|tonight)"), _named_day),
    (compile_pattern(rf"(?P<which>next|this\s+coming|this|coming)\s+{WEEKDAY}"), _weekday),
    (compile_pattern(rf"{WEEKDAY}\s+(?:of\s+)?(?P<which>next|this)\s+week"), _weekday_of_week),
    (compile_pattern(rf"next\s+week\s+(?:on\s+)?{WEEKDAY}(?P<which>)"), _weekday_of_week),
    (compile_pattern(WEEKDAY), _weekday),
    (compile_pattern(rf"in\s+{COUNT}\s+(?P<unit>days?|weeks?)"), _offset),
    (compile_pattern(rf"{COUNT}\s+(?P<unit>days?|weeks?)\s+from\s+(?:now|today)"), _offset),
]
PATTERNS: list[tuple[re.Pattern, Resolver]] = [
    *SINGLE_PATTERNS, *date_ranges.PATTERNS, *past_dates.PATTERNS, *anchored_dates.PATTERNS,
]


def _matches(text: str, context: Context, patterns: list[tuple[re.Pattern, Resolver]]) -> Iterator[Mention]:
    for pattern, resolve in patterns:
        for match in pattern.finditer(text):
            try:
                value = resolve(match, context)
            except DateProblem as problem:
                yield mention("problem:date", str(problem), match)
                continue
            yield mention("not a date" if value is NOT_A_DATE else "date", value, match)


@EXTRACTORS.register("dates")
def extract_dates(text: str, context: Context) -> list[Mention]:
    """Return date mentions (date or DateRange) and `problem:date` mentions, longest first.

    Words a resolver marks `NOT_A_DATE` (a past phrase told as a story) hide the shorter dates
    inside them ("Friday" in "since last Friday") and are then dropped.
    """
    mentions = keep_longest(_matches(text, context, PATTERNS))
    mentions = [item for item in mentions if item.slot != "not a date"]
    return date_ranges.widen_to_weeks(text, mentions, context)
