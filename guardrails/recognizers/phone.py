"""US phone numbers in the formats patients type, including 555 numbers."""

from __future__ import annotations

import re

from guardrails.recognizers.base import ValuePatternRecognizer

_SEP = r"[\s.\-]?"


class UsPhoneRecognizer(ValuePatternRecognizer):
    """Find US phone numbers; Presidio's own recognizer scores 555 numbers too low to keep."""

    ENTITY = "PHONE_NUMBER"
    PATTERNS = (
        # (555) 123-4567, 555-123-4567, 555.123.4567, +1 555 123 4567, 1-555-123-4567
        (
            re.compile(
                rf"(?<![\w+])(?:\+?1{_SEP})?(?:\(\d{{3}}\)\s?|\d{{3}}[\s.\-])\d{{3}}[\s.\-]\d{{4}}(?!\d)"
            ),
            0.8,
        ),
        # ten or eleven digits typed without separators
        (re.compile(r"(?<![\w+])(?:\+?1)?\d{10}(?!\d)"), 0.6),
        # seven-digit local numbers: 555-1234
        (re.compile(r"(?<![\w\-/.:])\d{3}-\d{4}(?![\d\-/])"), 0.5),
    )
