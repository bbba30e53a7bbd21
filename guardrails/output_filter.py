"""Output filter: PHI that is not the patient's own, and minimum necessary on SMS."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from guardrails.context import DirectoryContext, PatientContext
from guardrails.detector import PhiDetector
from guardrails.sensitive_terms import PHRASE_RE, RESIDUAL_RE, TERM_RE
from guardrails.recognizers.vocabulary import TEMPLATE_WORDS
from guardrails.spans import replace_spans
from guardrails.templates import render

logger = logging.getLogger(__name__)

REDACTION = "[removed]"
# Another person's identifiers of these kinds block the whole reply instead of being redacted.
BLOCKING_LABELS = frozenset(
    {"DATE_OF_BIRTH", "US_SSN", "US_ITIN", "MEDICAL_RECORD_NUMBER", "INSURANCE_MEMBER_ID",
     "CREDIT_CARD", "IBAN_CODE"}
)
# More redactions than this in one reply mean it is about someone else: block it.
MAX_REDACTIONS = 2


@dataclass(frozen=True)
class OutputVerdict:
    """The text to send, and what the filter did to it."""

    text: str
    blocked: bool
    redacted: bool
    reasons: list[str] = field(default_factory=list)
    handoff: bool = False


class OutputFilter:
    """Check a model reply before the patient sees it."""

    def __init__(self, detector: PhiDetector, directory: DirectoryContext | None, portal_link: str) -> None:
        self.detector = detector
        self.portal_link = portal_link
        type_names = (directory or DirectoryContext()).appointment_type_names
        self._type_names = (
            re.compile(r"[ \t]*\b(?:" + "|".join(re.escape(n) for n in type_names) + r")\b", re.I)
            if type_names
            else None
        )

    def filter(self, text: str, patient: PatientContext, channel: str) -> OutputVerdict:
        """Redact or block another person's PHI; on ``sms`` also strip clinical details."""
        spans = [
            span
            for span in self.detector.detect(text, patient)
            if span.source != "patient" and not _template_wording(text, span)
        ]
        reasons = sorted({f"foreign_phi:{span.label}" for span in spans})
        if any(span.label in BLOCKING_LABELS for span in spans) or len(spans) > MAX_REDACTIONS:
            logger.warning("output blocked: %s", reasons)
            return OutputVerdict(render("output_blocked", patient.language), True, False, reasons, True)
        redacted = bool(spans)
        text = replace_spans(text, spans, lambda span: REDACTION)
        if channel == "sms":
            text, stripped = self._minimum_necessary(text)
            if stripped:
                redacted = True
                reasons.append("sms_minimum_necessary")
            if RESIDUAL_RE.search(text):
                reasons.append("sms_clinical_content")
                return OutputVerdict(
                    render("sms_details_in_portal", patient.language, portal_link=self.portal_link),
                    True, redacted, reasons, False,
                )
        if redacted:
            logger.info("output redacted: %s", reasons)
        return OutputVerdict(text, False, redacted, reasons, False)

    def _minimum_necessary(self, text: str) -> tuple[str, bool]:
        original = text
        text = PHRASE_RE.sub("", text)
        text = TERM_RE.sub("", text)
        if self._type_names is not None:
            text = self._type_names.sub("", text)
        text = re.sub(r"[ \t]{2,}", " ", text)
        text = re.sub(r"[ \t]+([,.!?;:])", r"\1", text)
        return text, text != original


def _template_wording(text: str, span) -> bool:
    """Tell whether a PERSON span is only words of the product's own templates ("Disculpe")."""
    if span.label != "PERSON":
        return False
    words = re.findall(r"[^\W\d_]+", text[span.start : span.end].lower())
    return bool(words) and all(word in TEMPLATE_WORDS for word in words)
