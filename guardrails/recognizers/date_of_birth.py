"""Dates of birth: a date after a birth cue, or a full date too old to be an appointment."""

from __future__ import annotations

import re
from datetime import date

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from guardrails.recognizers.base import ValuePatternRecognizer
from guardrails.vault import parse_date

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
FULL_DATE = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}"
    rf"|{_MONTH}\s+{_DAY},?\s+\d{{2,4}}|{_DAY}\s+(?:of\s+)?{_MONTH},?\s+\d{{2,4}})"
)
_MONTH_DAY = rf"(?:{_MONTH}\s+{_DAY}|{_DAY}\s+(?:of\s+)?{_MONTH}|\d{{1,2}}/\d{{1,2}})"
_CUE = (
    r"\b(?:d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|birthday|b-?day|born(?:\s+on)?)"
    r"(?:\s+is|\s+was|\s+of)?\s*[:=\-]?\s*"
)
_CUED = re.compile(_CUE + rf"(?P<value>{FULL_DATE}|{_MONTH_DAY})\b", re.IGNORECASE)
# The look-aheads keep "Dec 8, 10:00 AM" and "Dec 8, 10 am" (an appointment time) from reading
# as December 8, 2010.
_BARE = re.compile(
    rf"(?<![\w/.\-])(?P<value>{FULL_DATE})(?![\w/\-:])(?!\s*[ap]\.?m\b)", re.IGNORECASE
)

# A full date this many years or more in the past is treated as a birth date, not a visit.
OLD_DATE_YEARS = 3


class DateOfBirthRecognizer(ValuePatternRecognizer):
    """Find dates of birth; appointment dates such as "next Tuesday" or "3/14" are not matched."""

    ENTITY = "DATE_OF_BIRTH"
    PATTERNS = ((_CUED, 0.9),)

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = super().analyze(text, entities, nlp_artifacts)
        cutoff_year = date.today().year - OLD_DATE_YEARS
        for match in _BARE.finditer(text):
            parsed = parse_date(match.group("value"))
            if parsed is not None and parsed.year <= cutoff_year:
                results.append(RecognizerResult(self.ENTITY, match.start(), match.end(), 0.6))
        return results
