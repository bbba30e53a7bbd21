"""The guardrails facade that the agent calls around every engine call."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from guardrails.context import DirectoryContext, PatientContext
from guardrails.detector import PhiDetector
from guardrails.output_filter import OutputFilter, OutputVerdict
from guardrails.rails.base import InputRail
from guardrails.rails.normalize import normalize
from guardrails.rails.registry import default_rails
from guardrails.spans import replace_spans
from guardrails.templates import render
from guardrails.vault import PseudonymVault

logger = logging.getLogger(__name__)

__all__ = ["Deidentified", "Guardrails", "InputVerdict", "OutputVerdict"]


@dataclass(frozen=True)
class InputVerdict:
    """Outcome of the input rails.

    ``action`` is "allow", "emergency", "clinical", "out_of_scope" or "injection". For every
    action but "allow", ``reply`` is the templated message for the patient and the model is not
    called. ``findings`` name the rail, its rules and score, never the text.
    """

    action: str
    reply: str | None
    handoff_priority: str | None
    findings: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Deidentified:
    """Text with placeholders, and findings (types, offsets, scores; never the values)."""

    text: str
    findings: list[dict] = field(default_factory=list)


class Guardrails:
    """Input rails, de-identification and output filter for all conversations of a process.

    Building it loads spaCy and the name lexicon (about 2 s), so build one and share it:
    its methods keep no per-conversation state and are safe to call from several threads.
    """

    def __init__(
        self,
        directory: DirectoryContext | None = None,
        *,
        portal_link: str = "the patient portal",
        rails: tuple[InputRail, ...] | None = None,
    ) -> None:
        self.directory = directory or DirectoryContext()
        self.detector = PhiDetector(self.directory)
        self.rails = rails if rails is not None else default_rails()
        self.output_filter = OutputFilter(self.detector, self.directory, portal_link)
        self.detector.detect("warm-up: Maria Garcia, 555-201-7788, maria@example.com")

    def screen_input(self, text: str, patient: PatientContext) -> InputVerdict:
        """Run the input rails in order; the first hit decides. Never calls a model."""
        normalized = normalize(text)
        for rail in self.rails:
            hit = rail.check(normalized)
            if hit is None:
                continue
            finding = {"rail": rail.name, "rules": list(hit.rules), "score": round(hit.score, 3)}
            logger.info("input rail %s matched: %s", rail.name, finding["rules"])
            return InputVerdict(hit.action, render(hit.template, patient.language), hit.handoff_priority, [finding])
        return InputVerdict("allow", None, None, [])

    def deidentify(self, text: str, patient: PatientContext, vault: PseudonymVault) -> Deidentified:
        """Replace every direct identifier in ``text`` by its placeholder from ``vault``."""
        spans = self.detector.detect(text, patient)
        replaced = replace_spans(
            text, spans, lambda span: vault.placeholder_for(span.label, text[span.start : span.end])
        )
        return Deidentified(replaced, [span.finding() for span in spans])

    def reidentify(self, text: str, vault: PseudonymVault) -> str:
        """Put back the values of placeholders that ``vault`` issued; others stay as they are."""
        return vault.restore(text)

    def restore_arguments(self, args: dict, vault: PseudonymVault) -> dict:
        """Return a copy of tool-call ``args`` with placeholders restored at any depth."""
        return _restore_value(args, vault)

    def deidentify_arguments(self, args: dict, patient: PatientContext, vault: PseudonymVault) -> dict:
        """Return a copy of tool-call ``args`` with identifiers in every string replaced."""
        return _map_strings(args, lambda value: self.deidentify(value, patient, vault).text)

    def filter_output(self, text: str, patient: PatientContext, channel: str) -> OutputVerdict:
        """Redact or block PHI that is not the patient's; on SMS keep only the minimum necessary."""
        return self.output_filter.filter(text, patient, channel)


def _restore_value(value: Any, vault: PseudonymVault) -> Any:
    return _map_strings(value, vault.restore)


def _map_strings(value: Any, function) -> Any:
    if isinstance(value, str):
        return function(value)
    if isinstance(value, dict):
        return {key: _map_strings(item, function) for key, item in value.items()}
    if isinstance(value, list):
        return [_map_strings(item, function) for item in value]
    if isinstance(value, tuple):
        return tuple(_map_strings(item, function) for item in value)
    return value
