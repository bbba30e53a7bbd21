"""Lexicon of given names and surnames, built once per process.

Sources: the 1990 US census name lists shipped by the PyPI package ``names`` (5,494 given names,
88,799 surnames), plus ``guardrails/data/*.txt`` for names those lists lack. A surname that is
also a lower-case English word in Webster's 2nd (package ``english-words``) is kept as *weak*:
it counts as a name only next to another name part.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from english_words import get_english_words_set

from guardrails.recognizers.vocabulary import AMBIGUOUS_GIVEN_NAMES, COMMON_WORDS

_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class NameLexicon:
    """Folded (lower-case, accent-free) name parts: ``strong`` alone is a name, ``weak`` is not."""

    strong: frozenset[str]
    weak: frozenset[str]

    def strength(self, token: str) -> str | None:
        """Return "strong", "weak" or None for one token, trying each part of hyphenated names."""
        parts = [fold(part) for part in token.replace("’", "'").split("-") if part]
        kinds = {self._part_strength(part) for part in parts}
        if "strong" in kinds:
            return "strong"
        if "weak" in kinds:
            return "weak"
        return None

    def _part_strength(self, part: str) -> str | None:
        for candidate in (part, part.replace("'", "")):
            if candidate in self.strong:
                return "strong"
            if candidate in self.weak:
                return "weak"
        return None


def fold(token: str) -> str:
    """Lower-case ``token`` and strip accents: "García" -> "garcia", "Łukasz" -> "lukasz"."""
    token = token.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O")
    decomposed = unicodedata.normalize("NFKD", token)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().rstrip(".")


@functools.lru_cache(maxsize=1)
def _lower_case_english() -> frozenset[str]:
    english = get_english_words_set(["web2"], lower=False, alpha=True)
    return frozenset(word for word in english if word.islower())


def is_english_word(word: str) -> bool:
    """Return True when lower-case ``word`` or its stem is in Webster's 2nd: "needs" -> "need".

    Webster's list holds base forms only, so common suffixes are stripped before the look-up.
    """
    english = _lower_case_english()
    if word in english:
        return True
    for suffix, replacement in (("s", ""), ("es", ""), ("ed", ""), ("ed", "e"), ("ing", ""),
                                ("ing", "e"), ("ly", ""), ("ies", "y"), ("ied", "y")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if word[: -len(suffix)] + replacement in english:
                return True
    return False


def _census_names(filename: str) -> set[str]:
    text = resources.files("names").joinpath(filename).read_text(encoding="ascii")
    return {line.split()[0].lower() for line in text.splitlines() if line.strip()}


def _extra_names(filename: str) -> set[str]:
    words: set[str] = set()
    for line in (_DATA_DIR / filename).read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(fold(word) for word in line.split())
    return words


@functools.lru_cache(maxsize=1)
def load_name_lexicon() -> NameLexicon:
    """Build the lexicon (about 0.2 s); cached for the life of the process."""
    given = _census_names("dist.male.first") | _census_names("dist.female.first")
    given |= _extra_names("given_names.txt")
    surnames = _census_names("dist.all.last") | _extra_names("surnames.txt")

    never = COMMON_WORDS
    strong_given = {name for name in given if name not in AMBIGUOUS_GIVEN_NAMES}
    strong_surnames = {name for name in surnames if not is_english_word(name)}
    strong = (strong_given | strong_surnames) - never
    weak = ((given | surnames) - strong) - never
    return NameLexicon(strong=frozenset(strong), weak=frozenset(weak))
