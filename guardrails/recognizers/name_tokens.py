"""Word tokens and their name roles, shared by the two person-name recognizers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from guardrails.recognizers.name_lexicon import NameLexicon, fold, is_english_word
from guardrails.recognizers.vocabulary import COMMON_WORDS, HONORIFICS, NAME_PARTICLES, NAME_SUFFIXES

# Letters joined by apostrophes or hyphens, optionally ending with a period: O'Brien, Smith-Jones, J.
WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*\.?")


@dataclass(frozen=True)
class Token:
    """One word of the text with its character offsets; ``text`` excludes a trailing period."""

    start: int
    end: int
    text: str
    role: str  # strong, weak, cap, unknown, initial, suffix, particle, honorific, common, other

    @property
    def capitalised(self) -> bool:
        """True for "Garcia", false for "garcia" and for "GARCIA" (capitals carry no signal)."""
        return self.text[:1].isupper() and not self.text.isupper()


# spaCy part-of-speech tags that a name never has; they veto words that are only weakly names.
_NON_NAME_POS = frozenset({"VERB", "AUX", "ADP", "DET", "PRON", "ADV", "SCONJ", "CCONJ", "PART", "NUM"})


def part_of_speech_by_offset(nlp_artifacts) -> dict[int, str]:
    """Map each spaCy token's start offset to its coarse part-of-speech tag."""
    if nlp_artifacts is None or nlp_artifacts.tokens is None:
        return {}
    return {token.idx: token.pos_ for token in nlp_artifacts.tokens}


def tokenize(text: str, lexicon: NameLexicon, pos_tags: dict[int, str] | None = None) -> list[Token]:
    """Split ``text`` into word tokens and give each its name role.

    ``pos_tags`` (from ``part_of_speech_by_offset``) turns weak or unknown words that spaCy
    tags as verbs, adverbs and the like into common words.
    """
    pos_tags = pos_tags or {}
    mixed_case = any(ch.islower() for ch in text) and any(ch.isupper() for ch in text)
    tokens = []
    for match in WORD_RE.finditer(text):
        raw = match.group(0)
        word = raw.rstrip(".")
        end = match.end() if len(word) == 1 or fold(word) in NAME_SUFFIXES else match.start() + len(word)
        role = _role(word, raw, text, match.start(), lexicon, mixed_case)
        if role in {"weak", "other", "unknown"} and pos_tags.get(match.start()) in _NON_NAME_POS:
            role = "common"
        tokens.append(Token(match.start(), end, word, role))
    return tokens


def _role(word: str, raw: str, text: str, start: int, lexicon: NameLexicon, mixed_case: bool) -> str:
    folded = fold(word)
    if len(word) == 1:
        is_initial = word.isupper() and (raw.endswith(".") or word not in {"I", "A"})
        return "initial" if is_initial else "common"
    if folded in NAME_SUFFIXES:
        return "suffix"
    if folded in HONORIFICS:
        return "honorific"
    if folded in NAME_PARTICLES:
        return "particle"
    if folded in COMMON_WORDS:
        return "common"
    strength = lexicon.strength(word)
    if strength:
        return strength
    if mixed_case and word[:1].isupper() and not _sentence_start(text, start):
        return "cap"
    if len(word) >= 3 and not is_english_word(folded):
        return "unknown"
    return "other"


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in ".!?:\n"


# Roles that may sit on both sides of the comma of "Last, First".
_LISTED_NAME = frozenset({"strong", "weak", "cap", "unknown"})


def adjacent(text: str, left: Token, right: Token) -> bool:
    """Return True when only spaces, or a comma before a suffix, separate two tokens."""
    gap = text[left.end : right.start]
    if right.role == "suffix" or (left.role in _LISTED_NAME and right.role in _LISTED_NAME):
        return re.fullmatch(r",?[ \t]*", gap) is not None
    return re.fullmatch(r"[ \t]+|\.?[ \t]*", gap) is not None and "\n" not in gap
