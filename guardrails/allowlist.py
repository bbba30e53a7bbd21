"""Names that are public clinic data: directory providers, sites, cities, types and insurers.

Presidio tags these as PERSON, ORGANIZATION or LOCATION. They must reach the model unchanged,
so a PERSON or address detection that lies inside one of their mentions is dropped.
"""

from __future__ import annotations

import re

from guardrails.context import DirectoryContext

INSURER_NAMES = (
    "Aetna", "Cigna", "Humana", "Kaiser", "Kaiser Permanente", "Blue Cross", "Blue Shield",
    "Blue Cross Blue Shield", "BCBS", "Anthem", "UnitedHealthcare", "United Healthcare", "UHC",
    "Medicare", "Medicaid", "Medi-Cal", "Tricare", "Oscar Health", "Molina Healthcare", "Ambetter",
    "WellCare", "Highmark", "CareFirst", "EmblemHealth", "Health Net", "Amerigroup",
)
_TITLES = r"(?:dr\.?|doctor|doc)"


def provider_name_forms(display_name: str) -> list[str]:
    """Return regex alternatives for a provider: full name with or without title, title + surname.

    "Dr. Ana Lee" gives "Ana Lee", "Dr Ana Lee", "Dr. Lee" and "Doctor Ana"; a bare surname
    without a title is not allowed, because a private person may share it.
    """
    bare = re.sub(rf"^{_TITLES}\s+", "", display_name.strip(), flags=re.IGNORECASE)
    parts = bare.split()
    if not parts:
        return []
    forms = [rf"(?:{_TITLES}\s+)?{_words(bare)}"]
    forms.append(rf"{_TITLES}\s+{_words(parts[-1])}")
    forms.append(rf"{_TITLES}\s+{_words(parts[0])}")
    return forms


def _words(text: str) -> str:
    return r"\s+".join(re.escape(part) for part in text.split())


class DirectoryAllowlist:
    """Finds mentions of public clinic names in a text, case-insensitively."""

    def __init__(self, directory: DirectoryContext | None) -> None:
        directory = directory or DirectoryContext()
        alternatives: list[str] = []
        for provider in directory.provider_names:
            alternatives.extend(provider_name_forms(provider))
        plain_names = (
            *directory.site_names,
            *directory.cities,
            *directory.appointment_type_names,
            *directory.site_addresses,
            *INSURER_NAMES,
        )
        alternatives.extend(_words(name) for name in plain_names if name.strip())
        alternatives.sort(key=len, reverse=True)
        self._pattern = (
            re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)
            if alternatives
            else None
        )

    def mentions(self, text: str) -> list[tuple[int, int]]:
        """Return the (start, end) offsets of every public name mentioned in ``text``."""
        if self._pattern is None:
            return []
        return [match.span() for match in self._pattern.finditer(text)]
