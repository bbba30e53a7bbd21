"""Dialogue state tracker of the local engine: reads patient turns and keeps what they want.

The tracker runs every registered extractor (`nlu.registry`) over a turn, resolves overlaps
between their mentions, and merges the result into the cumulative `DialogueState`:

- slot values replace earlier ones; a replaced value is recorded in `state.corrected`;
- a value preceded by "not" ("not Lee, Patel") is dropped;
- picking or accepting an offered option copies that option's slot values into the state;
- a "yes" to a pending confirmation copies the confirmed values that are still missing.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Iterable

from assistant.engines.local.nlu.base import Context, Mention, keep_longest
from assistant.engines.local.nlu.choice import match_offered
from assistant.engines.local.nlu.registry import EXTRACTORS
from assistant.engines.local.state import DialogueState, Lexicon, SlotValue, SystemAct

log = logging.getLogger(__name__)

SLOT_KEYS = (
    "provider", "specialty", "appointment_type", "site", "city", "date", "time", "time_range",
    "appointment", "cosmetic", "unisex",
)
VALUE_KINDS = set(SLOT_KEYS) | {"choice", "problem:date"}
NEGATED = re.compile(
    r"\b(?:not|except|other\s+than|anything\s+but|instead\s+of|rather\s+than)\s+(?:on\s+|with\s+|at\s+|the\s+|in\s+)?$",
    re.IGNORECASE,
)


class Tracker:
    """Cumulative dialogue state over one conversation, one patient turn at a time.

    `now` must be timezone-aware; relative dates ("tomorrow") are resolved from its local date.
    The tracker is deterministic and makes no network calls.
    """

    def __init__(self, lexicon: Lexicon, now: dt.datetime):
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("now must be timezone-aware, for example datetime.now(ZoneInfo(...))")
        self._lexicon = lexicon
        self._now = now
        self._state = DialogueState()

    @property
    def state(self) -> DialogueState:
        """The cumulative state after the latest turn."""
        return self._state

    def update(self, user_text: str, system: SystemAct | None = None) -> DialogueState:
        """Read one patient turn, the reply to `system` (the assistant's last act), and return
        the cumulative state. Turn-level fields (affirm, choice, corrected, requested) describe
        this turn only."""
        state = self._state
        state.turn += 1
        state.affirm, state.choice = None, None
        state.corrected = set()
        state.requested = []
        mentions = _resolve_overlaps(EXTRACTORS.run(user_text, Context(self._lexicon, self._now, system)))
        mentions = [m for m in mentions if not (m.slot in SLOT_KEYS and NEGATED.search(user_text[: m.start]))]

        state.affirm = _first(mentions, "affirm")
        state.requested = list(dict.fromkeys(m.value for m in mentions if m.slot == "requested"))
        self._apply_values(mentions)
        self._apply_choice(mentions, system)
        self._apply_confirmation(system)
        self._apply_intent(mentions, system)
        log.debug("turn %d: %d mentions, slots %s", state.turn, len(mentions), sorted(state.slots))
        return state

    def _set_slot(self, slot: str, value: object, text: str) -> None:
        previous = self._state.slots.get(slot)
        if previous is not None and previous.value != value:
            self._state.corrected.add(slot)
        self._state.slots[slot] = SlotValue(value, text, self._state.turn)

    def _apply_values(self, mentions: list[Mention]) -> None:
        for item in mentions:
            if item.slot in SLOT_KEYS:
                self._set_slot(item.slot, item.value, item.text)
            elif item.slot.startswith("problem:"):
                self._state.problems[item.slot.split(":", 1)[1]] = item.value
        if any(m.slot == "date" for m in mentions) and not any(m.slot == "problem:date" for m in mentions):
            self._state.problems.pop("date", None)

    def _apply_choice(self, mentions: list[Mention], system: SystemAct | None) -> None:
        if system is None or not system.offered:
            return
        choice = _first(mentions, "choice")
        if choice is None:
            choice = match_offered(mentions, system.offered)
        if choice is None and len(system.offered) == 1 and _accepts(mentions):
            choice = 0
        if choice is None:
            return
        self._state.choice = choice
        given = {m.slot for m in mentions}
        for slot, value in system.offered[choice].items():
            if slot in SLOT_KEYS and slot not in given:
                self._set_slot(slot, value, _text_of(value))

    def _apply_confirmation(self, system: SystemAct | None) -> None:
        if system is None or not system.confirming or self._state.affirm is not True:
            return
        for slot, value in system.confirming.items():
            if slot in SLOT_KEYS and slot not in self._state.slots:
                self._set_slot(slot, value, _text_of(value))

    def _apply_intent(self, mentions: list[Mention], system: SystemAct | None) -> None:
        """Set the intent the turn states; else one confirmed with a yes; else continue the
        assistant's task; else "find" when the patient names a specialty."""
        state = self._state
        intent = None
        if system and system.confirming and state.affirm is True:
            intent = system.confirming.get("intent")
        if intent is None:
            intent = _first(mentions, "intent")
        if intent is None and system and system.intent and state.intent in (None, "find"):
            intent = system.intent
        if intent is None and state.intent is None and _first(mentions, "specialty"):
            intent = "find"
        if intent is not None:
            state.intent = intent


def _first(mentions: Iterable[Mention], slot: str) -> object | None:
    return next((m.value for m in mentions if m.slot == slot), None)


def _accepts(mentions: list[Mention]) -> bool:
    """Tell whether a turn accepts a single offered option: a yes, a request to book it, or a
    date or time for it, unless the turn is a no or a request for other options."""
    affirm = _first(mentions, "affirm")
    intent = _first(mentions, "intent")
    if affirm is not None:
        return affirm
    if intent == "find":
        return False
    gives_details = any(m.slot in ("date", "time") for m in mentions)
    return intent == "book" or gives_details


def _resolve_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Keep the longest of overlapping value mentions; turn-level mentions are all kept.

    A choice by position wins over a date at the same words ("the second" after an offer).
    """
    values = [m for m in mentions if m.slot in VALUE_KINDS]
    choices = [m for m in values if m.slot == "choice"]
    values = [m for m in values if m.slot == "choice" or not any(m.overlaps(c) for c in choices)]
    others = [m for m in mentions if m.slot not in VALUE_KINDS]
    return sorted(keep_longest(values) + others, key=lambda m: m.start)


def _text_of(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    return str(value)
