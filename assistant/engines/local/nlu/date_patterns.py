"""Regular-expression fragments shared by the date extractors, and the helpers that read them."""

from __future__ import annotations

import re

from assistant.engines.local.nlu import calendar as cal
from assistant.engines.local.nlu.base import ORDINAL_WORDS

DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
ORDINAL_DAY = rf"(?:(?P<day>[0-3]?\d)(?:st|nd|rd|th)|(?P<dayword>{'|'.join(sorted(ORDINAL_WORDS, key=len, reverse=True))}))"
MONTH = rf"(?P<month>{cal.MONTH_PATTERN})(?:(?<=[a-z]{{3}})(?<![a-z]{{4}})\.|(?<=sept)\.)?"
WEEKDAY = rf"(?P<weekday>{cal.WEEKDAY_PATTERN})\.?"
COUNT = r"(?P<count>\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|a\ couple\ of|a\ few)"
MONTH_DAY = ORDINAL_DAY.replace("(?:st|nd|rd|th)|", "(?:st|nd|rd|th)?|")
YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
# A month name that is not followed by a day ("in June", not "June 5" or "June the 5th").
MONTH_ALONE = rf"{MONTH}{YEAR}(?![\s,]*(?:the\s+)?(?:\d|(?:{'|'.join(ORDINAL_WORDS)})\b))"


# Returned by a resolver for words that are no date for the visit ("since last Friday"): the
# words are consumed, so no shorter pattern reads a date in them, and then dropped.
NOT_A_DATE = object()


def day_of(match: re.Match) -> int:
    """Return the day of month a match names, as digits ("14th") or a word ("fourteenth")."""
    groups = match.groupdict()
    if groups.get("dayword"):
        return ORDINAL_WORDS[groups["dayword"].lower()]
    return int(groups.get("day") or groups["digits"])


def month_of(match: re.Match) -> int:
    """Return the month number of the match's `month` group."""
    return cal.MONTHS[match["month"].lower()]
