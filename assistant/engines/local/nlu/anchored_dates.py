"""Dates counted from the date under discussion: "the following Monday", "the day after".

The anchor is `Context.anchor`, the date the conversation was about before this turn. "The
following Monday" is the first Monday after the anchor, "the day after" the anchor's next day,
and "the following week" the calendar week after the anchor's. Without an anchor, "the following
Monday" means next week's Monday and "the following week" next week; "the day after" alone is
not a date.
"""

from __future__ import annotations

import datetime as dt
import re

from assistant.engines.local.nlu import calendar as cal
from assistant.engines.local.nlu.base import Context, compile_pattern
from assistant.engines.local.nlu.date_patterns import NOT_A_DATE, WEEKDAY
from assistant.engines.local.nlu.date_problems import checked
from assistant.engines.local.state import DateRange


def _following_weekday(m: re.Match, c: Context) -> dt.date:
    weekday = cal.WEEKDAYS[m["weekday"].lower()]
    if c.anchor is None:
        return cal.next_week_weekday(c.today, weekday)
    return checked(cal.upcoming_weekday(c.anchor, weekday, include_today=False), m[0], c.today)


def _following_week(m: re.Match, c: Context) -> DateRange:
    start = cal.week_start(c.anchor or c.today) + dt.timedelta(days=7)
    return DateRange(max(start, c.today), start + dt.timedelta(days=6))


def _day_after(m: re.Match, c: Context) -> object:
    if c.anchor is None:
        return NOT_A_DATE
    return checked(c.anchor + dt.timedelta(days=1), m[0], c.today)


PATTERNS = [
    (compile_pattern(rf"(?:the\s+)?following\s+{WEEKDAY}(?:\s+after\s+that)?"), _following_weekday),
    (compile_pattern(r"(?:the\s+)?following\s+week|(?:the\s+)?week\s+after(?:\s+that)?(?!\s+\w)"), _following_week),
    (compile_pattern(r"(?:the\s+)?(?:day\s+after(?:\s+that)?|next\s+day|following\s+day)(?!\s+\w)"), _day_after),
]
