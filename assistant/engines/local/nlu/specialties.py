"""Specialty and visit-type extractors.

Specialties are recognised from the everyday words patients use ("skin doctor", "GP") and given
the canonical names in `SPECIALTIES`; when the Lexicon lists specialties, the canonical name is
mapped to the closest listed one. Visit types are matched against the Lexicon's types and
aliases, or against `COMMON_VISIT_TYPES` when the Lexicon has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from assistant.engines.local.nlu import fuzzy
from assistant.engines.local.nlu.base import EXTRACTORS, Context, Mention, compile_pattern, mention


@dataclass(frozen=True)
class Specialty:
    """A medical specialty: its canonical name, what its practitioner is called, and phrasings."""

    name: str
    practitioner: str
    phrases: str


SPECIALTIES = [
    Specialty("dermatology", "Dermatologist", r"dermatolog\w*|derm|skin\s+(?:doctor|specialist|clinic)"),
    Specialty("dentistry", "Dentist", r"dentist\w*|dental|teeth\s+cleaning|tooth\s+doctor"),
    Specialty("cardiology", "Cardiologist", r"cardiolog\w*|heart\s+(?:doctor|specialist)"),
    Specialty("pediatrics", "Pediatrician", r"p(?:a)?ediatric\w*|kids?'?\s+doctor|children'?s\s+doctor|child\s+doctor"),
    Specialty("physical therapy", "Physical Therapist", r"physical\s+therap\w*|physio\w*|PT"),
    Specialty("family medicine", "General Practitioner", r"""family\s+(?:doctor|physician|medicine|practice)
        |GP|general\s+practi\w*|general\s+physician|primary\s+care(?:\s+(?:doctor|physician))?|regular\s+doctor"""),
    Specialty("gynecology", "Gynecologist", r"gyn(?:a)?ecolog\w*|gyno|ob[\s/-]?gyn|women'?s\s+(?:health\s+)?doctor"),
    Specialty("otolaryngology", "ENT Specialist", r"ENT(?:\s+specialist|\s+doctor)?|ear,?\s+nose,?\s+and\s+throat(?:\s+\w+)?|otolaryngolog\w*"),
    Specialty("ophthalmology", "Ophthalmologist", r"ophthalmolog\w*|opthalmolog\w*|eye\s+(?:doctor|specialist|surgeon)"),
    Specialty("optometry", "Optometrist", r"optometr\w*"),
    Specialty("psychiatry", "Psychiatrist", r"psychiatr\w*"),
    Specialty("psychology", "Psychologist", r"psycholog\w*"),
    Specialty("family counseling", "Family Counselor", r"(?:family|marriage|couples?)\s+(?:counsel\w*|therap\w*)"),
    Specialty("orthopedics", "Orthopedist", r"orthop(?:a)?edi\w*|bone\s+doctor"),
]
PATTERNS = [(s, compile_pattern(s.phrases)) for s in SPECIALTIES]
CASE_SENSITIVE = {"PT", "GP", "ENT"}

COMMON_VISIT_TYPES = {
    "check-up": ["checkup", "check-up", "check up", "physical", "annual visit", "annual exam", "wellness visit", "yearly exam"],
    "cleaning": ["cleaning", "teeth cleaning", "dental cleaning"],
    "consultation": ["consultation", "consult", "first visit", "new patient visit"],
    "follow-up": ["follow-up", "follow up", "followup"],
    "vaccination": ["vaccination", "vaccine", "shot", "flu shot", "jab"],
}
TYPE_THRESHOLD = 0.88


def _canonical(specialty: Specialty, context: Context) -> str:
    listed = context.lexicon.specialties
    if not listed:
        return specialty.name
    scored = [(max(fuzzy.similarity(specialty.name, s), fuzzy.similarity(specialty.practitioner, s)), s) for s in listed]
    score, best = max(scored)
    return best if score >= 0.75 else specialty.name


def _is_cased_right(text: str) -> bool:
    return text.upper() not in CASE_SENSITIVE or text.isupper()


@EXTRACTORS.register("specialties")
def extract_specialties(text: str, context: Context) -> list[Mention]:
    """Return `specialty` mentions with canonical (or Lexicon) specialty names."""
    found = []
    for specialty, pattern in PATTERNS:
        for match in pattern.finditer(text):
            if _is_cased_right(match[0].split()[0]):
                found.append(mention("specialty", _canonical(specialty, context), match))
    return found


def _type_aliases(context: Context) -> dict[object, list[str]]:
    if not context.lexicon.appointment_types:
        return COMMON_VISIT_TYPES
    return {t["id"]: [t["name"], *t.get("aliases", [])] for t in context.lexicon.appointment_types}


@EXTRACTORS.register("appointment_types")
def extract_appointment_types(text: str, context: Context) -> Iterator[Mention]:
    """Return one `appointment_type` mention for the best-matching visit type, if any."""
    for match in fuzzy.best_matches(text, _type_aliases(context), TYPE_THRESHOLD)[:1]:
        span = match.span
        yield Mention("appointment_type", match.key, span.start, span.end, span.text, match.score)
