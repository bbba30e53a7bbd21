"""Choice extractor: which of the assistant's offered options the patient picks.

Options are picked by position ("the second one", "2", "the last one") by `extract_choice`, or by
one of their values ("10:30 works", "the Tuesday one", "Dr. Lee's") by `match_offered`, which the
tracker calls with the other mentions of the turn. Both return a 0-based index.
"""

from __future__ import annotations

import datetime as dt
import re

from assistant.engines.local.nlu import fuzzy
from assistant.engines.local.nlu.base import EXTRACTORS, ORDINAL_WORDS, Context, Mention, compile_pattern, mention

ORDINAL = compile_pattern(r"""
    (?:the\s+)?(?P<word>first|second|third|fourth|fifth|sixth|last|final|latter|former|1st|2nd|3rd|4th|5th|6th)
    (?:\s+(?:one|option|slot|time|choice|appointment))?
    |(?:option|number|no\.?|\#|choice|slot)\s*(?P<digit>\d)
""")
BARE_NUMBER = re.compile(r"^\s*(?:#\s*)?(?P<digit>[1-9])\s*[.!]?\s*$")
# "The first week of June", "the first available": an ordinal followed by these is no pick.
NOT_A_PICK = re.compile(r"\s*(?:of\b|week|day|available|possible|opening|thing|time\s+(?:i|you|we))", re.IGNORECASE)
POSITION = {"last": -1, "final": -1, "latter": -1, "former": 0, "1st": 0, "2nd": 1, "3rd": 2, "4th": 3, "5th": 4, "6th": 5}


def _index(match: re.Match, count: int) -> int | None:
    if match["digit"]:
        index = int(match["digit"]) - 1
    else:
        word = match["word"].lower()
        index = POSITION[word] if word in POSITION else ORDINAL_WORDS[word] - 1
    if index < 0:
        index += count
    return index if 0 <= index < count else None


@EXTRACTORS.register("choice")
def extract_choice(text: str, context: Context) -> list[Mention]:
    """Return a `choice` mention for an option picked by position; only when options were offered."""
    count = len(context.system.offered) if context.system else 0
    if count == 0:
        return []
    match = BARE_NUMBER.match(text)
    if match is None:
        match = next((m for m in ORDINAL.finditer(text) if not NOT_A_PICK.match(text, m.end())), None)
    if match is None:
        return []
    index = _index(match, count)
    return [] if index is None else [mention("choice", index, match)]


def _option_matches(option: dict, item: Mention) -> bool:
    for key, value in option.items():
        if isinstance(value, dt.datetime):
            if item.slot == "time" and value.time().replace(tzinfo=None) == item.value:
                return True
            if item.slot == "date" and _same_day(value.date(), item):
                return True
        elif key == item.slot and (value == item.value or (item.slot == "date" and _same_day(value, item))):
            return True
        elif item.slot == "provider" and isinstance(value, str) and key.startswith("provider"):
            if fuzzy.name_similarity(item.text, value) >= 0.8 or _mentions_surname(item.text, value):
                return True
    return False


def _same_day(day: object, item: Mention) -> bool:
    if not isinstance(day, dt.date) or not isinstance(item.value, dt.date):
        return False
    if day == item.value:
        return True
    weekday_only = re.fullmatch(r"(?:on\s+)?[A-Za-z]+\.?", item.text.strip())
    return bool(weekday_only) and day.weekday() == item.value.weekday()


def _mentions_surname(text: str, name: str) -> bool:
    spoken = fuzzy.normalize(re.sub(r"'s\b", "", text)).split()
    return bool(spoken) and spoken[-1] == fuzzy.normalize(name).split()[-1]


def _option_time(option: dict) -> dt.time | None:
    for value in option.values():
        if isinstance(value, dt.datetime):
            return value.time().replace(tzinfo=None)
        if isinstance(value, dt.time):
            return value
    return None


def _option_day(option: dict) -> dt.date | None:
    for value in option.values():
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
    return None


def conflicts(option: dict, mentions: list[Mention]) -> bool:
    """Tell whether the turn names a clock time or a day that the option does not have.

    "The 2:30 one" when the option is at 9:00 conflicts, so the turn asks for a new time instead
    of picking it. Options whose values are text (open vocabulary) never conflict.
    """
    time, day = _option_time(option), _option_day(option)
    for item in mentions:
        if item.slot == "time" and time is not None and item.value != time:
            return True
        if item.slot == "date" and day is not None and isinstance(item.value, dt.date) and not _same_day(day, item):
            return True
    return False


def match_offered(mentions: list[Mention], offered: tuple[dict, ...]) -> int | None:
    """Return the index of the only offered option that a mentioned value identifies, if any.

    An option that `conflicts` with the turn is never identified.
    """
    candidates = [i for i, option in enumerate(offered) if not conflicts(option, mentions)]
    for item in mentions:
        hits = [i for i in candidates if _option_matches(offered[i], item)]
        if len(hits) == 1:
            return hits[0]
    return None
