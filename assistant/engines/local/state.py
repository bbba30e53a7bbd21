"""Dialogue state of the local engine's tracker.

The tracker reads the whole conversation, one patient turn at a time, and keeps what the patient
wants so far. Each slot value keeps the words it came from, so the state can be shown and audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

Intent = Literal["find", "book", "reschedule", "cancel", "list", "human"]


@dataclass(frozen=True)
class DateRange:
    """Inclusive range of calendar dates, such as "next week" or "after the 10th"."""

    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class TimeRange:
    """Range of local clock times, such as "after 3" or "morning"; a None end is open."""

    start: dt.time | None
    end: dt.time | None


@dataclass(frozen=True)
class SlotValue:
    """One tracked value: `value` is normalised, `text` is the patient's or system's words."""

    value: object
    text: str
    turn: int


@dataclass(frozen=True)
class SystemAct:
    """What the assistant did in its last turn, which the next patient turn answers.

    `offered` lists the options shown, in order, each as slot name to value. `requested` names the
    slots the assistant asked for. `confirming` is the action summary awaiting a yes or no.
    `intent` is the task the assistant is carrying out (asking for a booking's time means "book"),
    which a patient turn that states no intent continues.
    """

    offered: tuple[dict[str, object], ...] = ()
    requested: tuple[str, ...] = ()
    confirming: dict[str, object] | None = None
    intent: Intent | None = None


@dataclass
class Lexicon:
    """Names the tracker matches fuzzily: the clinic directory, or nothing in open-vocabulary mode.

    Each provider is a dict with `id`, `name`, `specialty`; each site `id`, `name`, `city`; each
    appointment type `id`, `name`, `aliases`.
    """

    providers: list[dict] = field(default_factory=list)
    sites: list[dict] = field(default_factory=list)
    appointment_types: list[dict] = field(default_factory=list)
    specialties: list[str] = field(default_factory=list)


@dataclass
class DialogueState:
    """The tracker's view after a patient turn.

    `slots` keys: provider, specialty, appointment_type, site, city, date, time, time_range,
    appointment (an existing appointment the patient refers to), earliest (True when the patient
    wants the soonest opening: "first available", "asap"). `affirm`, `choice`, `corrected` and
    `stated_intent` (the intent this turn states in words, if any) describe the latest turn only.
    `problems` holds values the patient gave that cannot be used, keyed by slot; each is a full
    sentence for the patient, such as "Feb 30 is not a valid date. Please choose another date."
    `language_hint` is an ISO 639-1 code ("es") of the language of the latest turn that showed
    one clearly; None until a turn does.
    """

    intent: Intent | None = None
    requested: list[str] = field(default_factory=list)
    slots: dict[str, SlotValue] = field(default_factory=dict)
    affirm: bool | None = None
    choice: int | None = None
    corrected: set[str] = field(default_factory=set)
    problems: dict[str, str] = field(default_factory=dict)
    turn: int = 0
    stated_intent: Intent | None = None
    language_hint: str | None = None
