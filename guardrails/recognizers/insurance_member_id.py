"""Insurance member, subscriber and policy identifiers, including Medicare MBIs."""

from __future__ import annotations

import re

from guardrails.recognizers.base import ValuePatternRecognizer

_INSURERS = (
    r"aetna|cigna|humana|kaiser|bcbs|blue\s*cross(?:\s*blue\s*shield)?|blue\s*shield|united(?:\s*healthcare)?"
    r"|uhc|anthem|medicare|medicaid|medi-cal|tricare|oscar|molina|ambetter|wellcare|highmark|carefirst"
)
_CUE = (
    r"\b(?:(?:member|subscriber|policy|insurance|beneficiary|plan|group|" + _INSURERS + r")"
    r"\s*(?:member\s*)?(?:id|identification|number|num|no\.?|#)(?:\s*(?:number|no\.?|#))?|member)"
)
# Medicare Beneficiary Identifier letters exclude S, L, O, I, B and Z.
_MBI_LETTER = "[AC-HJKMNP-RT-Y]"


class InsuranceMemberIdRecognizer(ValuePatternRecognizer):
    """Find member ids after a cue ("member id", "Aetna number"), and MBI-shaped ids anywhere."""

    ENTITY = "INSURANCE_MEMBER_ID"
    PATTERNS = (
        (
            re.compile(
                _CUE + r"\s*(?:is|was|:|#|=|-)?\s*#?\s*(?P<value>[A-Za-z0-9][A-Za-z0-9\-]{4,19})\b",
                re.IGNORECASE,
            ),
            0.85,
        ),
        (
            re.compile(
                rf"\b[1-9]{_MBI_LETTER}[{_MBI_LETTER[1:-1]}0-9]\d-?{_MBI_LETTER}[{_MBI_LETTER[1:-1]}0-9]\d-?{_MBI_LETTER}{{2}}\d{{2}}\b"
            ),
            0.7,
        ),
        # Lower-case MBIs only with their dashes, which make the shape distinctive
        (
            re.compile(
                rf"\b[1-9]{_MBI_LETTER}[{_MBI_LETTER[1:-1]}0-9]\d-{_MBI_LETTER}[{_MBI_LETTER[1:-1]}0-9]\d-{_MBI_LETTER}{{2}}\d{{2}}\b",
                re.IGNORECASE,
            ),
            0.7,
        ),
        # Prefix-and-number cards such as XYZ123456789
        (re.compile(r"\b[A-Z]{3}\d{8,10}\b"), 0.6),
    )

    def is_valid(self, value: str) -> bool:
        return sum(character.isdigit() for character in value) >= 3
