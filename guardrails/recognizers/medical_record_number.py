"""Medical record numbers, which always follow a cue such as "MRN" or "chart number"."""

from __future__ import annotations

import re

from guardrails.recognizers.base import ValuePatternRecognizer

_CUE = (
    r"\b(?:mrn|medical\s+record(?:\s+(?:number|num|no\.?|#))?|med\s*rec(?:ord)?\s*(?:#|no\.?|number)?"
    r"|chart\s*(?:number|num|no\.?|#)|patient\s+(?:id|number|no\.?|#))"
)


class MedicalRecordNumberRecognizer(ValuePatternRecognizer):
    """Find the identifier after an MRN cue; the cue itself is not reported."""

    ENTITY = "MEDICAL_RECORD_NUMBER"
    PATTERNS = (
        (
            re.compile(
                _CUE + r"\s*(?:is|was|:|#|=|-)?\s*#?\s*(?P<value>[A-Za-z]{0,3}[-\s]?\d[\d\-]{3,14}\d)\b",
                re.IGNORECASE,
            ),
            0.85,
        ),
    )
