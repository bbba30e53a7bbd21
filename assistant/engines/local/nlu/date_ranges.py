"""Date-range resolvers: weeks, weekends, months, parts of a month and rolling windows.

Every range is inclusive and starts no earlier than today: "this week" said on a Wednesday runs
from Wednesday to Sunday. Parts of a month are fixed: early is the 1st to the 10th, mid the 11th
to the 20th, late the 21st to the month's end, and "the end of" its last seven days; the n-th
week of a month is its days 7n-6 to 7n, and its last week the last seven days. A month named
without a year is the next one that has not ended ("in January" said in March is next January).
A range that has already ended is a `DateProblem`, and so is a whole year ("next year").
"""

from __future__ import annotations

import datetime as dt
import re

from assistant.engines.local.nlu import calendar as cal
from assistant.engines.local.nlu.base import Context, Mention, compile_pattern, word_number
from assistant.engines.local.nlu.date_patterns import MONTH_ALONE, month_of
from assistant.engines.local.nlu.date_problems import past_range, too_broad
from assistant.engines.local.state import DateRange

PART_WORDS = {
    "early": "early", "beginning": "early", "start": "early", "mid": "mid", "middle": "mid",
    "late": "late", "end": "end",
}
NTH_WEEK = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": -1}
WITHIN_COUNTS = {"few": 3, "couple": 2, "couple of": 2}
WEEK_OF = re.compile(r"(?:\bthe\s+)?\bweek\s+of\s+$", re.IGNORECASE)
# "the month", "this month", "next month", or a month by name (with an optional year).
WHICH_MONTH = rf"(?:(?:the\s+month\s+of\s+)?{MONTH_ALONE}|(?:the\s+)?(?P<which>this|next)\s+month|the\s+month)"


def _week(m: re.Match, c: Context) -> DateRange:
    if m["which"].lower() == "next":
        start = cal.week_start(c.today) + dt.timedelta(days=7)
        return DateRange(start, start + dt.timedelta(days=6))
    return DateRange(c.today, cal.week_start(c.today) + dt.timedelta(days=6))


def _weekend(m: re.Match, c: Context) -> DateRange:
    saturday = cal.week_start(c.today) + dt.timedelta(days=5)
    if m["which"].lower() == "next":
        saturday += dt.timedelta(days=7)
    return DateRange(max(saturday, c.today), saturday + dt.timedelta(days=1))


def _month_range(m: re.Match, c: Context) -> DateRange:
    if m["which"].lower() == "next":
        first = cal.add_months(c.today, 1)
        return DateRange(first, cal.month_end(first))
    return DateRange(c.today, cal.month_end(c.today))


def _first_of_month(m: re.Match, c: Context) -> dt.date:
    """Return the first day of the month a `WHICH_MONTH` match names."""
    groups = m.groupdict()
    if groups.get("month"):
        if groups.get("year"):
            return dt.date(int(groups["year"]), month_of(m), 1)
        return cal.upcoming_month(c.today, month_of(m))
    which = (groups.get("which") or "this").lower()
    return cal.add_months(c.today, 1 if which == "next" else 0)


def _from_today(start: dt.date, end: dt.date, text: str, c: Context) -> DateRange:
    """Return the range clipped to start today, or raise when it ended before today."""
    if end < c.today:
        raise past_range(text, start, end)
    return DateRange(max(start, c.today), end)


def _whole_month(m: re.Match, c: Context) -> DateRange:
    first = _first_of_month(m, c)
    return _from_today(first, cal.month_end(first), m[0], c)


def _part_of_month(m: re.Match, c: Context) -> DateRange:
    first = _first_of_month(m, c)
    last = cal.month_end(first)
    part = PART_WORDS[(m["part"] or m["part_of"]).lower()]
    bounds = {
        "early": (first, first.replace(day=10)),
        "mid": (first.replace(day=11), first.replace(day=20)),
        "late": (first.replace(day=21), last),
        "end": (last - dt.timedelta(days=6), last),
    }
    return _from_today(*bounds[part], m[0], c)


def _week_of_month(m: re.Match, c: Context) -> DateRange:
    first = _first_of_month(m, c)
    last = cal.month_end(first)
    nth = NTH_WEEK[m["nth"].lower()]
    if nth < 0:
        return _from_today(last - dt.timedelta(days=6), last, m[0], c)
    start = first + dt.timedelta(days=7 * (nth - 1))
    return _from_today(start, start + dt.timedelta(days=6), m[0], c)


def _within(m: re.Match, c: Context) -> DateRange:
    """Return today to N days or weeks from today: "within the next two weeks"."""
    count_text = (m["count"] or "1").lower()
    count = WITHIN_COUNTS.get(count_text) or word_number(count_text) or 1
    days = count * 7 if m["unit"].lower().startswith("week") else count
    return DateRange(c.today, c.today + dt.timedelta(days=days))


def _whole_year(m: re.Match, c: Context) -> DateRange:
    if m["which"].lower() == "next":
        example = f"early January {c.today.year + 1}"
    else:
        example = f"early {cal.add_months(c.today, 1):%B}"
    raise too_broad(m[0], example)


PATTERNS = [
    (compile_pattern(r"(?P<which>next|this)\s+week(?!\s*end)"), _week),
    (compile_pattern(r"(?:the\s+)?(?P<which>next|this)\s+weekend"), _weekend),
    (compile_pattern(r"(?:later\s+)?(?P<which>this|next)\s+month"), _month_range),
    (compile_pattern(rf"(?:(?:some\s*time|any\s*time|any\s+day|any\s+time)\s+)?(?:in|during|for|throughout)\s+{WHICH_MONTH}"), _whole_month),
    (compile_pattern(rf"""(?:(?:at|by|towards?)\s+)?(?:the\s+)?
        (?:(?P<part>early|mid|late)(?:\s+in\s+|-|\s+)|(?P<part_of>beginning|start|middle|end)\s+of\s+){WHICH_MONTH}"""), _part_of_month),
    (compile_pattern(rf"(?:the\s+)?(?P<nth>first|second|third|fourth|last|1st|2nd|3rd|4th)\s+week\s+(?:of|in)\s+{WHICH_MONTH}"), _week_of_month),
    (compile_pattern(r"""(?:(?:with)?in|over|during)\s+the\s+(?:next|coming)\s+
        (?P<count>\d+|one|two|three|four|five|six|seven|eight|nine|ten|few|couple\s+of|couple)?\s*(?P<unit>days?|weeks?)"""), _within),
    (compile_pattern(r"(?:(?:some\s*time|later)\s+)?(?P<which>next|this)\s+year"), _whole_year),
]


def widen_to_weeks(text: str, mentions: list[Mention], context: Context) -> list[Mention]:
    """Turn a date preceded by "the week of" into that calendar week, from today on.

    "The week of the 14th" is the Monday-to-Sunday week that holds the 14th.
    """
    widened = []
    for item in mentions:
        prefix = WEEK_OF.search(text[: item.start])
        if prefix is None or item.slot != "date" or not isinstance(item.value, dt.date):
            widened.append(item)
            continue
        start = cal.week_start(item.value)
        value = DateRange(max(start, context.today), start + dt.timedelta(days=6))
        widened.append(Mention("date", value, prefix.start(), item.end, text[prefix.start(): item.end], item.score))
    return widened
