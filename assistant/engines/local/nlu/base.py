"""Types shared by the extractors: what they read (`Context`) and what they return (`Mention`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Protocol

from assistant.engines.local.state import Lexicon, SystemAct


@dataclass(frozen=True)
class Context:
    """Everything an extractor may read besides the text: the clinic directory, the clock, and
    the assistant's last act. `today` is the local date of `now`. `anchor` is the date under
    discussion before this turn (the tracked date, or the first offered option's), which
    "the following Monday" counts from; None when no date was discussed."""

    lexicon: Lexicon
    now: dt.datetime
    system: SystemAct | None = None
    anchor: dt.date | None = None

    @property
    def today(self) -> dt.date:
        return self.now.date()


@dataclass(frozen=True)
class Mention:
    """One value found in the text. `slot` is a DialogueState slot key, or one of the turn-level
    keys `intent`, `affirm`, `choice`, `requested`, `problem:<slot>`. `text` is
    `utterance[start:end]`."""

    slot: str
    value: object
    start: int
    end: int
    text: str
    score: float = 1.0

    def overlaps(self, other: "Mention") -> bool:
        return self.start < other.end and other.start < self.end


class Extractor(Protocol):
    """A callable that returns every mention of its kind in `text`, in any order."""

    def __call__(self, text: str, context: Context) -> Iterable[Mention]: ...


@dataclass
class Registry:
    """Named extractors, run in registration order."""

    extractors: dict[str, Extractor] = field(default_factory=dict)

    def register(self, name: str) -> Callable[[Extractor], Extractor]:
        """Decorate an extractor to add it under `name`; a second use of a name raises."""

        def add(extractor: Extractor) -> Extractor:
            if name in self.extractors:
                raise ValueError(f"extractor {name!r} is already registered")
            self.extractors[name] = extractor
            return extractor

        return add

    def run(self, text: str, context: Context) -> list[Mention]:
        """Return the mentions of every extractor, sorted by position."""
        mentions: list[Mention] = []
        for extractor in self.extractors.values():
            mentions.extend(extractor(text, context))
        return sorted(mentions, key=lambda m: (m.start, -m.end))


EXTRACTORS = Registry()


def mention(slot: str, value: object, match: re.Match, group: int | str = 0, score: float = 1.0) -> Mention:
    """Build a mention from a regex match group, keeping its exact text and span."""
    start, end = match.span(group)
    return Mention(slot, value, start, end, match.string[start:end], score)


NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a": 1, "an": 1, "a couple of": 2,
    "couple of": 2, "a few": 3,
}
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "twenty-first": 21, "twenty first": 21,
    "twenty-second": 22, "twenty second": 22, "twenty-third": 23, "twenty third": 23,
    "thirtieth": 30, "thirty-first": 31, "thirty first": 31,
}


def word_number(token: str) -> int | None:
    """Return the integer for a digit string or an English number word up to twelve."""
    token = token.lower().strip()
    if token.isdigit():
        return int(token)
    return NUMBER_WORDS.get(token)


def keep_longest(mentions: Iterable[Mention]) -> list[Mention]:
    """Drop every mention that overlaps a longer (or earlier, equally long) one."""
    kept: list[Mention] = []
    for candidate in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        if not any(candidate.overlaps(other) for other in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda m: m.start)


def compile_pattern(pattern: str) -> re.Pattern:
    """Compile a verbose, case-insensitive pattern bounded by word edges."""
    return re.compile(rf"(?<![\w/:-])(?:{pattern})(?![\w/:]|-\d)", re.IGNORECASE | re.VERBOSE)
