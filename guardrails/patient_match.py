"""Exact matching of the authenticated patient's own identifiers, in their common variants.

These spans are found whatever the NER model thinks: the patient's name in any case, first or
last name alone, phone in any format, email in any case, date of birth in any common format.
"""

from __future__ import annotations

import re
import unicodedata

from guardrails.context import PatientContext
from guardrails.recognizers.date_of_birth import FULL_DATE
from guardrails.spans import Span
from guardrails.vault import parse_date

_FULL_DATE_RE = re.compile(rf"(?<![\w/.\-])(?:{FULL_DATE})(?![\w/\-])", re.IGNORECASE)


def fold_same_length(text: str) -> str:
    """Lower-case and strip accents one character at a time, so offsets stay valid."""
    folded = []
    for character in text:
        base = unicodedata.normalize("NFKD", character)[:1] or character
        folded.append({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o"}.get(character, base).lower()[:1] or " ")
    return "".join(folded)


def _name_pattern(name: str) -> str:
    """Regex for a name with flexible spacing, where an apostrophe or hyphen may be typed or not."""
    pieces = []
    for character in fold_same_length(name.strip()):
        if character in "'’-":
            pieces.append(r"['’\-\s]?")
        elif character.isspace():
            pieces.append(r"[\s,]+")
        else:
            pieces.append(re.escape(character))
    return "".join(pieces)


def find_patient_spans(text: str, patient: PatientContext) -> list[Span]:
    """Return spans of the patient's own identifiers in ``text``."""
    spans = _name_spans(text, patient) + _phone_spans(text, patient.phone)
    spans += _email_spans(text, patient.email) + _dob_spans(text, patient.date_of_birth)
    return spans


def _name_spans(text: str, patient: PatientContext) -> list[Span]:
    first, last = patient.first_name.strip(), patient.last_name.strip()
    variants = [f"{first} {last}", f"{last} {first}", first, last]
    alternatives = [_name_pattern(name) for name in variants if len(name) >= 2]
    if not alternatives:
        return []
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")
    folded = fold_same_length(text)
    return [Span(m.start(), m.end(), "PERSON", 1.0, "patient") for m in pattern.finditer(folded)]


def _phone_spans(text: str, phone: str) -> list[Span]:
    digits = re.sub(r"\D", "", phone)[-10:]
    if len(digits) != 10:
        return []
    separator = r"[\s.\-]?"
    pattern = (
        rf"(?<!\d)(?:\+?1{separator})?\(?{digits[:3]}\)?{separator}{digits[3:6]}{separator}{digits[6:]}(?!\d)"
    )
    return [Span(m.start(), m.end(), "PHONE_NUMBER", 1.0, "patient") for m in re.finditer(pattern, text)]


def _email_spans(text: str, email: str) -> list[Span]:
    if not email.strip():
        return []
    pattern = re.compile(r"(?<![\w.+-])" + re.escape(email.strip()) + r"(?![\w-])", re.IGNORECASE)
    return [Span(m.start(), m.end(), "EMAIL_ADDRESS", 1.0, "patient") for m in pattern.finditer(text)]


def _dob_spans(text: str, date_of_birth: str) -> list[Span]:
    birth_date = parse_date(date_of_birth)
    if birth_date is None:
        return []
    return [
        Span(m.start(), m.end(), "DATE_OF_BIRTH", 1.0, "patient")
        for m in _FULL_DATE_RE.finditer(text)
        if parse_date(m.group(0)) == birth_date
    ]
