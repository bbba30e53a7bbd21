"""US Social Security numbers, including sample-looking ones that Presidio's UsSsnRecognizer rejects."""

from __future__ import annotations

import re

from guardrails.recognizers.base import ValuePatternRecognizer


class SocialSecurityNumberRecognizer(ValuePatternRecognizer):
    """Find SSNs written 123-45-6789, and nine digits after an "SSN" or "social" cue."""

    ENTITY = "US_SSN"
    PATTERNS = (
        (re.compile(r"(?<![\w\-])\d{3}-\d{2}-\d{4}(?![\w\-])"), 0.7),
        (
            re.compile(
                r"\b(?:ssn|ss#|social(?:\s+security)?(?:\s+(?:number|no\.?|#))?)\s*(?:is|:|#)?\s*"
                r"(?P<value>\d{3}[\s.\-]?\d{2}[\s.\-]?\d{4})\b",
                re.IGNORECASE,
            ),
            0.9,
        ),
    )
