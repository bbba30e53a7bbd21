"""Transcript views by staff role: full, masked, or de-identified.

- `full` (clinician, admin): the text as the patient typed and saw it.
- `masked` (front_desk, billing): dates of birth keep only the year, phones the last four
  digits, emails the first character and the domain, as the scheduling API masks patient records.
- `deidentified` (compliance): every direct identifier becomes a placeholder such as
  `<PERSON_1>`, numbered consistently across one transcript.

Detection is the guardrails' PHI detector without the patient's own values, because a masked
staff session never receives them. A date of birth is found only with a cue ("born", "DOB") or
when it is an old full date, so a bare recent date stays visible.
"""

from __future__ import annotations

import re

from guardrails import DirectoryContext, Guardrails, PseudonymVault
from guardrails.spans import Span, replace_spans
from assistant.guarding import guardrails_for

VIEW_BY_ROLE = {"clinician": "full", "admin": "full", "front_desk": "masked", "billing": "masked",
                "compliance": "deidentified"}
MASKED_LABELS = frozenset({"DATE_OF_BIRTH", "PHONE_NUMBER", "EMAIL_ADDRESS"})


class TranscriptMasker:
    """Applies one view to every entry of one transcript."""

    def __init__(self, view: str, guard: Guardrails | None = None) -> None:
        if view not in ("full", "masked", "deidentified"):
            raise ValueError(f"unknown transcript view {view!r}")
        self.view = view
        self._guard = guard
        self._vault = PseudonymVault()

    def apply(self, text: str) -> str:
        """Return `text` as this view shows it."""
        if self.view == "full" or not text:
            return text
        guard = self._guard or guardrails_for(DirectoryContext())
        spans = guard.detector.detect(text)
        if self.view == "deidentified":
            return replace_spans(text, spans, lambda span: self._vault.placeholder_for(
                span.label, text[span.start:span.end]))
        masked = [span for span in spans if span.label in MASKED_LABELS]
        return replace_spans(text, masked, lambda span: mask_value(span, text[span.start:span.end]))


def mask_value(span: Span, value: str) -> str:
    """Mask one detected value in the scheduling API's style; other labels are kept."""
    if span.label == "EMAIL_ADDRESS" and "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    if span.label == "PHONE_NUMBER":
        digits = re.sub(r"\D", "", value)
        return f"***-***-{digits[-4:]}" if len(digits) >= 4 else "***"
    if span.label == "DATE_OF_BIRTH":
        year = re.search(r"(?:18|19|20)\d\d", value)
        return f"{year.group(0)}-**-**" if year else "**-**-****"
    return value
