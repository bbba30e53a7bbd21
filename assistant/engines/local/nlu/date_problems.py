"""Dates that cannot be booked, and the messages that tell the patient what to do instead.

Each message is shown to the patient as it is (the policy joins them into its reply), so it is a
full sentence that names the value the patient gave and ends with what to do next.
"""

from __future__ import annotations

import datetime as dt
import re

from assistant.engines.local.nlu import calendar as cal

NAMES_A_DATE = re.compile(rf"\b(?:{cal.MONTH_PATTERN})\b|\d{{4}}", re.IGNORECASE)
CHOOSE_FROM_TODAY = "Please choose a date from today on."


class DateProblem(Exception):
    """A date the patient gave that cannot be booked; the message names the value."""


def sentence(text: str) -> str:
    """Return `text` with its first letter in upper case ("yesterday ..." -> "Yesterday ...")."""
    return text[:1].upper() + text[1:]


def invalid_date(text: str) -> DateProblem:
    """Return the problem for a date that does not exist, such as "Feb 30"."""
    return DateProblem(sentence(f"{text} is not a valid date. Please choose another date."))


def past_date(text: str, day: dt.date) -> DateProblem:
    """Return the problem for a past date; the resolved day is shown unless the words name it.

    "yesterday" gives "Yesterday (Tue Mar 4) is in the past. ..."; "March 3" stays "March 3".
    """
    shown = text if NAMES_A_DATE.search(text) else f"{text} ({cal.describe_day(day)})"
    return DateProblem(sentence(f"{shown} is in the past. {CHOOSE_FROM_TODAY}"))


def past_range(text: str, start: dt.date, end: dt.date) -> DateProblem:
    """Return the problem for a range of dates that has already ended, such as "last week"."""
    return DateProblem(sentence(f"{text} ({cal.describe_range(start, end)}) is in the past. {CHOOSE_FROM_TODAY}"))


def too_broad(text: str, example: str) -> DateProblem:
    """Return the problem for a period too long to search, such as "next year"."""
    return DateProblem(sentence(f"{text} is too broad to search. Please name a month or a date, for example {example}."))


def checked(day: dt.date | None, text: str, today: dt.date) -> dt.date:
    """Return `day`, or raise the problem when it does not exist (None) or is before `today`."""
    if day is None:
        raise invalid_date(text)
    if day < today:
        raise past_date(text, day)
    return day
