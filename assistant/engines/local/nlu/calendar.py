"""Calendar arithmetic the date extractor needs: month names, weekdays and safe date building."""

from __future__ import annotations

import calendar
import datetime as dt

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2, "weds": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5,
    "sunday": 6,
}
MONTH_PATTERN = "|".join(sorted(MONTHS, key=len, reverse=True))
WEEKDAY_PATTERN = "|".join(sorted(WEEKDAYS, key=len, reverse=True))


def build_date(year: int, month: int, day: int) -> dt.date | None:
    """Return the date, or None when it does not exist (February 30, April 31)."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def add_months(day: dt.date, months: int) -> dt.date:
    """Return the first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(day: dt.date) -> dt.date:
    """Return the last day of `day`'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def week_start(day: dt.date) -> dt.date:
    """Return the Monday of `day`'s week (weeks start on Monday, as in ISO 8601)."""
    return day - dt.timedelta(days=day.weekday())


def upcoming_weekday(today: dt.date, weekday: int, include_today: bool) -> dt.date:
    """Return the first `weekday` from today on; today itself counts only when `include_today`."""
    offset = (weekday - today.weekday()) % 7
    if offset == 0 and not include_today:
        offset = 7
    return today + dt.timedelta(days=offset)


def next_week_weekday(today: dt.date, weekday: int) -> dt.date:
    """Return `weekday` in the calendar week after today's: "next Tuesday"."""
    return week_start(today) + dt.timedelta(days=7 + weekday)


def day_of_month_from(today: dt.date, day: int) -> dt.date | None:
    """Return the first date on or after today whose day of month is `day`, within a year.

    "The 11th" said on the 20th means next month's 11th; "the 31st" said in April means May 31.
    """
    for months in range(13):
        first = add_months(today, months)
        candidate = build_date(first.year, first.month, day)
        if candidate is not None and candidate >= today:
            return candidate
    return None


def describe_day(day: dt.date) -> str:
    """Return a short, unambiguous label such as "Tue Mar 4", for messages to the patient."""
    return f"{day:%a %b} {day.day}"


def describe_range(start: dt.date, end: dt.date) -> str:
    """Return a label such as "Mar 3 to Mar 9" for an inclusive range of dates."""
    return f"{start:%b} {start.day} to {end:%b} {end.day}"


def previous_weekday(today: dt.date, weekday: int) -> dt.date:
    """Return the last `weekday` before today: "last Friday" said on a Friday is a week ago."""
    offset = (today.weekday() - weekday) % 7 or 7
    return today - dt.timedelta(days=offset)


def upcoming_month(today: dt.date, month: int) -> dt.date:
    """Return the first day of the next `month` that has not ended: this year's or next year's."""
    year = today.year if month >= today.month else today.year + 1
    return dt.date(year, month, 1)
