"""Time extractor: clock times ("10:30", "half past four") and ranges ("after 3", "morning").

A bare hour from 1 to 7 means pm and 8 to 11 means am, because clinics open in the daytime.
"Morning" is before 12:00, "afternoon" 12:00 to 17:00, "evening" from 17:00, as in the
scheduling API's `time_of_day` filter. A bare number counts as a time only after "at", "around"
or "by", or inside a range ("between 2 and 4"), so "the second one" or "2" stays a choice.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterator

from assistant.engines.local.nlu.base import (
    EXTRACTORS, NUMBER_WORDS, Context, Mention, compile_pattern, keep_longest, mention,
)
from assistant.engines.local.state import TimeRange

HOUR_WORDS = [w for w, n in NUMBER_WORDS.items() if 1 <= n <= 12 and " " not in w and len(w) > 2]
HOUR = rf"(?:[01]?\d|2[0-3]|{'|'.join(HOUR_WORDS)})"
MINUTE_WORDS = {"fifteen": 15, "thirty": 30, "forty-five": 45, "forty five": 45, "oh five": 5}
PERIOD = r"(?:a\.?m\.?|p\.?m\.?)(?![a-z])"
DAYPART = r"(?:morning|afternoon|evening|night)"
CORE = rf"""
    (?:{DAYPART}\s+(?:at\s+)?)?
    (?:(?:a\s+)?(?:half|quarter|\d{{1,2}}|ten|twenty|five)\s+(?:past|after|to|till|of|before)\s+)?
    {HOUR}(?::[0-5]\d|\s+(?:{'|'.join(MINUTE_WORDS)}))?
    (?:\s*{PERIOD})?
    (?:\s+o['"’`]?\s?clock)?
    (?:\s+(?:in\s+the\s+{DAYPART}|at\s+night|tonight))?
    |noon|midday|midnight|12\s+noon
"""
TIME = compile_pattern(CORE)
CUE = re.compile(r"(?:\bat|\baround|\bby|@|\bfor|\bat\s+about|\babout)\s+$", re.IGNORECASE)
RANGE_PATTERNS = [
    (compile_pattern(rf"(?:between|from)\s+(?P<a>{CORE})\s+(?:and|to|until|till|-)\s+(?P<b>{CORE})"), "both"),
    (compile_pattern(rf"(?:after|past|later\s+than|no\s+earlier\s+than|not\s+before|from)\s+(?P<a>{CORE})"), "start"),
    (compile_pattern(rf"(?:before|earlier\s+than|no\s+later\s+than|not\s+after|until|till)\s+(?P<b>{CORE})"), "end"),
]
DAYPARTS = {
    "morning": TimeRange(None, dt.time(12)),
    "afternoon": TimeRange(dt.time(12), dt.time(17)),
    "evening": TimeRange(dt.time(17), None),
    "tonight": TimeRange(dt.time(17), None),
}
DAYPART_ALONE = compile_pattern(r"(?:in\s+the\s+|this\s+|tomorrow\s+)?(?P<part>morning|afternoon|evening|tonight)s?")


def _hour_value(token: str) -> int:
    return int(token) if token.isdigit() else NUMBER_WORDS[token]


def parse_clock(text: str) -> dt.time | None:
    """Return the clock time a matched time phrase means, or None when it is not a time."""
    lower = " ".join(text.lower().replace("’", "'").split())
    if lower in ("noon", "midday", "12 noon"):
        return dt.time(12)
    if lower == "midnight":
        return dt.time(0)
    hour_match = re.search(rf"(?:^|\s)(?P<hour>{HOUR})(?::(?P<minute>\d\d)|\s+(?P<mword>{'|'.join(MINUTE_WORDS)}))?(?=\s|$|\s*{PERIOD}|\s*o)", lower)
    if hour_match is None:
        return None
    hour = _hour_value(hour_match["hour"])
    minute = int(hour_match["minute"] or MINUTE_WORDS.get(hour_match["mword"] or "", 0))
    relation = re.search(r"(half|quarter|\d{1,2}|ten|twenty|five)\s+(past|after|to|till|of|before)\s", lower)
    if relation:
        amount = {"half": 30, "quarter": 15}.get(relation[1]) or _hour_value(relation[1])
        if relation[2] in ("past", "after"):
            minute = amount
        else:
            hour, minute = hour - 1, 60 - amount
    hour = _apply_period(hour % 24 if hour != 24 else 0, lower)
    if not 0 <= hour <= 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def _apply_period(hour: int, lower: str) -> int:
    if re.search(r"p\.?m|afternoon|evening|night", lower):
        return hour + 12 if hour < 12 else hour
    if re.search(r"a\.?m|morning", lower):
        return 0 if hour == 12 else hour
    if 1 <= hour <= 7:
        return hour + 12
    return hour


def _is_marked(match: re.Match) -> bool:
    """Tell whether a time phrase is a time by itself, not just a number."""
    text = match[0].lower()
    if re.search(rf":|{PERIOD}|clock|{DAYPART}|tonight|noon|midday|midnight|half|quarter|past|\sto\s", text):
        return True
    return bool(CUE.search(match.string[: match.start()]))


def _clock_mentions(text: str) -> Iterator[Mention]:
    for match in TIME.finditer(text):
        value = parse_clock(match[0])
        if value is not None and _is_marked(match):
            yield mention("time", value, match)


def _range_mentions(text: str) -> Iterator[Mention]:
    for pattern, kind in RANGE_PATTERNS:
        for match in pattern.finditer(text):
            start = parse_clock(match["a"]) if kind in ("both", "start") else None
            end = parse_clock(match["b"]) if kind in ("both", "end") else None
            if (kind in ("both", "start") and start is None) or (kind in ("both", "end") and end is None):
                continue
            yield mention("time_range", TimeRange(start, end), match)
    for match in DAYPART_ALONE.finditer(text):
        yield mention("time_range", DAYPARTS[match["part"].lower()], match)


@EXTRACTORS.register("times")
def extract_times(text: str, context: Context) -> list[Mention]:
    """Return `time` (datetime.time) and `time_range` (TimeRange) mentions, longest first."""
    return keep_longest([*_range_mentions(text), *_clock_mentions(text)])
