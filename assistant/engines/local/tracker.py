"""Dialogue state tracker of the local engine: reads patient turns and keeps what they want.

The tracker repairs the spelling of a turn (`nlu.spelling`: "nxt tusday" reads as "next
tuesday"), runs every registered extractor (`nlu.registry`) over it, resolves overlaps between
their mentions, and merges the result into the cumulative `DialogueState`:

- slot values replace earlier ones; a replaced value is recorded in `state.corrected`;
- a value preceded by "not" ("not Lee, Patel") is dropped;
- a visit type and a specialty named by the same words ("teeth cleaning") are both kept;
- a date problem ("yesterday") is reported only when the turn gives no usable date;
- picking or accepting an offered option copies that option's slot values into the state, but a
  turn that names a time or day the option does not have ("the 2:30 one") picks nothing;
- a "yes" to a pending confirmation copies the confirmed values that are still missing.

Mentions keep the patient's own words, even where spelling repair changed them.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Iterable

from assistant.engines.local.nlu import spelling
from assistant.engines.local.nlu.base import Context, Mention, keep_longest
from assistant.engines.local.nlu.choice import conflicts, match_offered
from assistant.engines.local.nlu.registry import EXTRACTORS
from assistant.engines.local.state import DateRange, DialogueState, Lexicon, SlotValue, SystemAct

log = logging.getLogger(__name__)

SLOT_KEYS = (
    "provider", "specialty", "appointment_type", "site", "city", "date", "time", "time_range",
    "appointment", "cosmetic", "unisex", "earliest",
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
        self._protected = spelling.protected_words(lexicon)

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
        repaired = spelling.repair(user_text, self._protected)
        context = Context(self._lexicon, self._now, system, self._anchor(system))
        found = [repaired.restore(m) for m in EXTRACTORS.run(repaired.text, context)]
        mentions = _resolve_overlaps(found)
        mentions = [m for m in mentions if not (m.slot in SLOT_KEYS and NEGATED.search(user_text[: m.start]))]

        state.affirm = _first(mentions, "affirm")
        state.stated_intent = _first(mentions, "intent")
        state.language_hint = _first(mentions, "language") or state.language_hint
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

    def _anchor(self, system: SystemAct | None) -> dt.date | None:
        """Return the date under discussion: the tracked date, else the first offered date."""
        slot = self._state.slots.get("date")
        if slot is not None and isinstance(slot.value, DateRange):
            return slot.value.start
        if slot is not None and isinstance(slot.value, dt.date):
            return slot.value
        for option in system.offered if system else ():
            value = option.get("date")
            if isinstance(value, dt.date):
                return value.date() if isinstance(value, dt.datetime) else value
        return None

    def _apply_values(self, mentions: list[Mention]) -> None:
        gives_date = any(m.slot == "date" for m in mentions)
        for item in mentions:
            if item.slot in SLOT_KEYS:
                self._set_slot(item.slot, item.value, item.text)
            elif item.slot.startswith("problem:"):
                slot = item.slot.split(":", 1)[1]
                if not (slot == "date" and gives_date):
                    self._state.problems[slot] = item.value
        if gives_date:
            self._state.problems.pop("date", None)

    def _apply_choice(self, mentions: list[Mention], system: SystemAct | None) -> None:
        if system is None or not system.offered:
            return
        choice = _first(mentions, "choice")
        if choice is None:
            choice = match_offered(mentions, system.offered)
        if choice is None and len(system.offered) == 1 and _accepts(mentions) and not conflicts(system.offered[0], mentions):
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
        """Set the intent the turn states, else one confirmed with a yes, else the assistant's
        task. A first turn that only names a specialty or a visit type means "find"."""
        state = self._state
        intent = None
        if system and system.confirming and state.affirm is True:
            intent = system.confirming.get("intent")
        if intent is None:
            intent = _first(mentions, "intent")
        if intent is None and system and system.intent and state.intent in (None, "find"):
            intent = system.intent
        if intent is None and state.intent is None and (_first(mentions, "specialty") or _first(mentions, "appointment_type")):
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

    A choice by position wins over a date at the same words ("the second" after an offer). A
    specialty within a visit type's words ("teeth cleaning") is kept alongside the type.
    """
    values = [m for m in mentions if m.slot in VALUE_KINDS]
    choices = [m for m in values if m.slot == "choice"]
    values = [m for m in values if m.slot == "choice" or not any(m.overlaps(c) for c in choices)]
    types = [m for m in values if m.slot == "appointment_type"]
    named_by_type = [m for m in values if m.slot == "specialty" and any(_within(m, t) for t in types)]
    kept = keep_longest(m for m in values if m not in named_by_type)
    kept += [m for m in named_by_type if any(_within(m, t) for t in kept if t.slot == "appointment_type")]
    others = [m for m in mentions if m.slot not in VALUE_KINDS]
    return sorted(kept + others, key=lambda m: m.start)


def _within(inner: Mention, outer: Mention) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _text_of(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    return str(value)
