"""Reading a texted date of birth and first name, in the forms people type them.

Accepted dates: 09/30/1972, 9-30-72, 9.30.1972, 1972-09-30, Sep 30 1972, September 30, 1972,
30 Sep 1972 and "30 de septiembre de 1972". Numeric dates are read month first, as in the US,
unless the first number cannot be a month (30/09/1972). A two-digit year is read as the latest
year not in the future. The words left over, minus filler such as "my name is", are the name.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9,
    "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12,
    "december": 12, "ene": 1, "enero": 1, "febrero": 2, "marzo": 3, "abr": 4, "abril": 4,
    "mayo": 5, "junio": 6, "julio": 7, "ago": 8, "agosto": 8, "septiembre": 9, "setiembre": 9,
    "octubre": 10, "noviembre": 11, "dic": 12, "diciembre": 12,
}
FILLER = frozenset("""
hi hello hey hola its it's it is im i'm i am me my name names dob birthday born birth date of
and y the el la de del mi soy es nombre fecha nacimiento nací naci on patient paciente this for
her his su is: dob: yes si sí ok please por favor thanks gracias
""".split())
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
NUMERIC_RE = re.compile(r"\b(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{2,4})\b")
MONTH_FIRST_RE = re.compile(rf"\b({_MONTH_NAMES})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{2,4}})\b", re.I)
DAY_FIRST_RE = re.compile(rf"\b(\d{{1,2}})\s+(?:de\s+)?({_MONTH_NAMES})\.?,?\s+(?:de\s+|del\s+)?(\d{{2,4}})\b", re.I)


def parse_identity(text: str, today: dt.date | None = None) -> tuple[dt.date | None, str | None]:
    """Return (date of birth, first name) found in `text`; each is None when absent or invalid."""
    today = today or dt.date.today()
    for pattern, reader in ((NUMERIC_RE, _numeric), (MONTH_FIRST_RE, _month_first),
                            (DAY_FIRST_RE, _day_first)):
        match = pattern.search(text)
        if match is None:
            continue
        born = reader(match, today)
        if born is None:
            return None, None
        rest = text[:match.start()] + " " + text[match.end():]
        return born, _first_name(rest)
    return None, None


def _numeric(match: re.Match, today: dt.date) -> dt.date | None:
    first, second, third = match.groups()
    if len(first) == 4:
        return _date(int(first), int(second), int(third), today)
    month, day = int(first), int(second)
    if month > 12 >= day:
        month, day = day, month
    return _date(_year(third, today), month, day, today)


def _month_first(match: re.Match, today: dt.date) -> dt.date | None:
    name, day, year = match.groups()
    return _date(_year(year, today), MONTHS[name.lower()], int(day), today)


def _day_first(match: re.Match, today: dt.date) -> dt.date | None:
    day, name, year = match.groups()
    return _date(_year(year, today), MONTHS[name.lower()], int(day), today)


def _year(text: str, today: dt.date) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if 2000 + year <= today.year else 1900
    return year


def _date(year: int, month: int, day: int, today: dt.date) -> dt.date | None:
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return None
    return born if dt.date(1900, 1, 1) <= born <= today else None


def _first_name(text: str) -> str | None:
    words = [word for word in re.findall(r"[^\W\d_][\w'-]*", text) if word.lower() not in FILLER]
    return " ".join(words[:3]) or None
