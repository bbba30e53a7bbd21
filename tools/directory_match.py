"""Fuzzy matching of the names a model or patient writes against the clinic directory."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

_TITLE = re.compile(r"^\s*(dr\.?|doctor)\s+", re.IGNORECASE)
MATCH_THRESHOLD = 80
TIE_MARGIN = 8


def _plain(name: str) -> str:
    return _TITLE.sub("", name).strip().lower()


def name_score(query: str, name: str) -> float:
    """Score 0-100 how well `query` names `name`: the whole string, or word by word.

    The word-by-word score averages, over the query's words, the best match among the name's
    words, so "Anna Lee" scores high against both "Ana Lee" and "Anna Leigh".
    """
    whole = fuzz.WRatio(query, name)
    query_words, name_words = query.split(), name.split()
    if not query_words or not name_words:
        return whole
    by_word = sum(max(fuzz.WRatio(word, other) for other in name_words) for word in query_words) / len(query_words)
    return max(whole, by_word)


def match_names(query: str, choices: dict[str, list[str]]) -> list[str]:
    """Return the ids whose names match `query` best: one id, several when they tie, or none.

    `choices` maps an id to the names it goes by (display name, aliases). Titles such as
    "Dr." are ignored on both sides. Scores within TIE_MARGIN of the best count as a tie.
    """
    wanted = _plain(query)
    scores: dict[str, float] = {}
    for item_id, names in choices.items():
        best = max(name_score(wanted, _plain(name)) for name in names)
        if best >= MATCH_THRESHOLD:
            scores[item_id] = best
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
