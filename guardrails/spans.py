"""Detected spans and the overlap merge that keeps replacements from corrupting text."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A detection: ``text[start:end]`` is an entity of type ``label``; ``source`` is who found it."""

    start: int
    end: int
    label: str
    score: float
    source: str = "presidio"

    def finding(self) -> dict:
        """Return the loggable form: type, offsets, score and source, never the value."""
        return {
            "entity_type": self.label,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 3),
            "source": self.source,
        }


def merge_overlaps(spans: list[Span], text: str) -> list[Span]:
    """Merge overlapping spans into their widest union, sorted by start.

    The label of a merged span is the one of its highest-scored part, so that a phone number
    also tagged as a date keeps one placeholder. Two PERSON spans separated only by spaces are
    joined as well ("Maria" + "Garcia"), so one person gets one placeholder.
    """
    merged: list[Span] = []
    for span in sorted(spans, key=lambda item: (item.start, -item.end)):
        if merged and _joins(merged[-1], span, text):
            previous = merged[-1]
            best = max(previous, span, key=_priority)
            merged[-1] = Span(
                previous.start, max(previous.end, span.end), best.label, best.score, best.source
            )
        else:
            merged.append(span)
    return merged


def _priority(span: Span) -> tuple[float, bool]:
    # On equal scores the patient's own exact match wins, so the output filter can tell it apart.
    return (span.score, span.source == "patient")


def _joins(left: Span, right: Span, text: str) -> bool:
    if right.start < left.end:
        return True
    if left.label == right.label == "PERSON":
        return re.fullmatch(r"[ \t]+", text[left.end : right.start]) is not None
    return False


def replace_spans(text: str, spans: list[Span], replacement_for) -> str:
    """Return ``text`` with each (non-overlapping, sorted) span replaced by ``replacement_for(span)``."""
    pieces = []
    cursor = 0
    for span in spans:
        pieces.append(text[cursor : span.start])
        pieces.append(replacement_for(span))
        cursor = span.end
    pieces.append(text[cursor:])
    return "".join(pieces)
