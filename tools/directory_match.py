"""Fuzzy matching of the names a model or patient writes against the clinic directory."""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

_TITLE = re.compile(r"^\s*(dr\.?|doctor)\s+", re.IGNORECASE)
MATCH_THRESHOLD = 80
TIE_MARGIN = 5


def _plain(name: str) -> str:
    return _TITLE.sub("", name).strip().lower()


def match_names(query: str, choices: dict[str, list[str]]) -> list[str]:
    """Return the ids whose names match `query` best: one id, several when they tie, or none.

    `choices` maps an id to the names it goes by (display name, aliases). Titles such as
    "Dr." are ignored on both sides.
    """
    wanted = _plain(query)
    scores: dict[str, float] = {}
    for item_id, names in choices.items():
        best = process.extractOne(wanted, [_plain(name) for name in names], scorer=fuzz.WRatio)
        if best and best[1] >= MATCH_THRESHOLD:
            scores[item_id] = best[1]
    if not scores:
        return []
    top = max(scores.values())
    return [item_id for item_id, score in scores.items() if score >= top - TIE_MARGIN]


def provider_choices(directory: dict) -> dict[str, list[str]]:
    choices = {}
    for provider in directory["providers"]:
        last_name = provider["name"].split()[-1]
        choices[provider["id"]] = [provider["display_name"], provider["name"], last_name]
    return choices


def site_choices(directory: dict) -> dict[str, list[str]]:
    return {site["id"]: [site["name"], site["city"]] for site in directory["sites"]}


def appointment_type_choices(directory: dict) -> dict[str, list[str]]:
    return {kind["id"]: [kind["name"], *kind.get("aliases", [])] for kind in directory["appointment_types"]}


def specialty_choices(directory: dict) -> dict[str, list[str]]:
    return {provider["specialty"]: [provider["specialty"]] for provider in directory["providers"]}
