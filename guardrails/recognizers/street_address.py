"""US street addresses: number, street name and suffix, with an optional unit."""

from __future__ import annotations

import re

from guardrails.recognizers.base import ValuePatternRecognizer

_SUFFIX = (
    r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|court|ct|way|place|pl"
    r"|terrace|ter|circle|cir|parkway|pkwy|highway|hwy|square|sq|trail|trl|alley|loop|row)\b\.?"
    # "Dr" only where it cannot be the title of a doctor's name that follows
    r"|dr\b\.?(?=\s*(?:,|$|\n|apt|unit|suite|ste|#))"
)
_UNIT = r"(?:,?\s*(?:apt|apartment|unit|suite|ste|#)\.?\s*#?\s*[\w-]{1,6})?"
_CITY_STATE_ZIP = r"(?:,?\s+[A-Za-z][A-Za-z .]{1,30},?\s+[A-Za-z]{2}\.?\s+\d{5}(?:-\d{4})?)?"
_STREET_NAME = r"(?:(?:[nsew]\.?|north|south|east|west)\s+)?(?:[A-Za-z0-9][\w'.\-]*\s+){0,3}?"


class StreetAddressRecognizer(ValuePatternRecognizer):
    """Find street addresses such as "42 Maple St Apt 3" and PO boxes."""

    ENTITY = "STREET_ADDRESS"
    PATTERNS = (
        (
            re.compile(
                rf"\b\d{{1,6}}[a-z]?\s+{_STREET_NAME}(?:{_SUFFIX}){_UNIT}{_CITY_STATE_ZIP}",
                re.IGNORECASE | re.MULTILINE,
            ),
            0.75,
        ),
        (re.compile(r"\bp\.?\s?o\.?\s+box\s+\d{1,6}\b", re.IGNORECASE), 0.75),
    )

    def is_valid(self, value: str) -> bool:
        # "at 3 pm st" style accidents: a time word inside the street name is not an address.
        return not re.search(r"\b(?:am|pm|at|on|with|and|or)\b", value, re.IGNORECASE)
