"""Regex recognizer that reports only the named group ``value`` of each match."""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts


class ValuePatternRecognizer(EntityRecognizer):
    """Find ``ENTITY`` with ``PATTERNS``; a cue word may be matched but is not reported.

    Subclasses set ``ENTITY`` and ``PATTERNS`` (compiled regex, score). A pattern with a group
    named ``value`` reports that group, otherwise the whole match. ``is_valid`` can reject a
    candidate value.
    """

    ENTITY: ClassVar[str] = ""
    PATTERNS: ClassVar[tuple[tuple[re.Pattern[str], float], ...]] = ()

    def __init__(self) -> None:
        super().__init__(supported_entities=[self.ENTITY], supported_language="en")

    def load(self) -> None:
        """Nothing to load: patterns are compiled at import."""

    def is_valid(self, value: str) -> bool:
        return True

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = []
        for pattern, score in self.PATTERNS:
            for match in pattern.finditer(text):
                group = "value" if "value" in pattern.groupindex else 0
                start, end = match.span(group)
                if start < end and self.is_valid(text[start:end]):
                    results.append(RecognizerResult(self.ENTITY, start, end, score))
        return results
