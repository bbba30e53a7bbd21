"""Shared types of the input rails."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from guardrails.rails.normalize import NormalizedText


@dataclass(frozen=True)
class RailHit:
    """A rail's decision to stop the turn: ``action``, the reply template key and the evidence."""

    action: str
    template: str
    score: float
    handoff_priority: str | None
    rules: tuple[str, ...] = field(default_factory=tuple)


class InputRail(Protocol):
    """One input check. ``check`` returns None to let the message through."""

    name: str

    def check(self, normalized: NormalizedText) -> RailHit | None: ...


@dataclass(frozen=True)
class WeightedPattern:
    """A named regex whose match adds ``weight`` of evidence."""

    name: str
    pattern: re.Pattern[str]
    weight: float


def weighted(name: str, regex: str, weight: float) -> WeightedPattern:
    return WeightedPattern(name, re.compile(regex, re.IGNORECASE), weight)


def combined_score(weights: list[float]) -> float:
    """Combine independent pieces of evidence: 1 - prod(1 - w), in [0, 1]."""
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - min(max(weight, 0.0), 1.0)
    return 1.0 - remaining


def matched(patterns: tuple[WeightedPattern, ...], text: str) -> list[WeightedPattern]:
    return [item for item in patterns if item.pattern.search(text)]
