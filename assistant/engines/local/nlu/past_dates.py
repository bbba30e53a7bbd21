"""Past-date resolvers: "yesterday", "last Friday", "2 days ago", "last week".

A past date cannot be booked, so each resolves to a `DateProblem` naming the day it means. Only
a past phrase offered as the date of the visit is a problem: "how about last Friday?", "book me
for yesterday", or any past phrase while the assistant asks for a date. One told as part of a
story ("my knee has hurt since last Friday, can I see someone?") is not a date for the visit,
so its resolver returns `NOT_A_DATE` and the phrase is ignored.
"""

from __future__ import annotations

import datetime as dt
import re

from assistant.engines.local.nlu import calendar as cal
from assistant.engines.local.nlu.base import Context, compile_pattern, word_number
from assistant.engines.local.nlu.date_patterns import COUNT, NOT_A_DATE, WEEKDAY
from assistant.engines.local.nlu.date_problems import past_date, past_range

SHORT_TURN_WORDS = 6
# Words right before a phrase that offer it as the visit's date: "for yesterday", "make it ...".
OFFERED_AS_DATE = re.compile(
    r"(?:\b(?:on|for|to|at|book|schedule|make\s+it|how\s+about|what\s+about|is|was)\s+|^\W*)$",
    re.IGNORECASE,
)
STORY = re.compile(r"\b(?:since|ago\s+and|started|began|had|have\s+had|hurt|fell)\b", re.IGNORECASE)


def _is_offered_as_date(m: re.Match, c: Context) -> bool:
    """Tell whether the past phrase is the patient's proposed visit date, not part of a story."""
    before = m.string[: m.start()]
    if STORY.search(before):
        return False
    if c.system is not None and "date" in c.system.requested:
        return True
    return len(m.string.split()) <= SHORT_TURN_WORDS or bool(OFFERED_AS_DATE.search(before))


def _yesterday(m: re.Match, c: Context) -> object:
    days = 2 if "before" in m[0].lower() else 1
    if not _is_offered_as_date(m, c):
        return NOT_A_DATE
    raise past_date(m[0], c.today - dt.timedelta(days=days))


def _last_weekday(m: re.Match, c: Context) -> object:
    if not _is_offered_as_date(m, c):
        return NOT_A_DATE
    raise past_date(m[0], cal.previous_weekday(c.today, cal.WEEKDAYS[m["weekday"].lower()]))


def _ago(m: re.Match, c: Context) -> object:
    count = word_number(m["count"]) or 1
    days = count * 7 if m["unit"].lower().startswith("week") else count
    if not _is_offered_as_date(m, c):
        return NOT_A_DATE
    raise past_date(m[0], c.today - dt.timedelta(days=days))


def _last_period(m: re.Match, c: Context) -> object:
    if not _is_offered_as_date(m, c):
        return NOT_A_DATE
    if m["unit"].lower() == "week":
        start = cal.week_start(c.today) - dt.timedelta(days=7)
        raise past_range(m[0], start, start + dt.timedelta(days=6))
    first = cal.add_months(c.today, -1)
    raise past_range(m[0], first, cal.month_end(first))


PATTERNS = [
    (compile_pattern(r"yesterday|the\s+day\s+before\s+yesterday"), _yesterday),
    (compile_pattern(rf"(?<!the\s)(?:last|this\s+past|past)\s+{WEEKDAY}"), _last_weekday),
    (compile_pattern(rf"{COUNT}\s+(?P<unit>days?|weeks?)\s+ago"), _ago),
    (compile_pattern(r"(?<!the\s)last\s+(?P<unit>week|month)(?!\s*end|\s+of)"), _last_period),
]
