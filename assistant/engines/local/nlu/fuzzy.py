"""Fuzzy phrase matching against a list of names, shared by the provider, site and type lookups."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from rapidfuzz.distance import JaroWinkler
from rapidfuzz import fuzz

TOKEN = re.compile(r"[A-Za-z][A-Za-z'’.-]*|\d+")
STOPWORDS = frozenset("""
    a an the i me my we you he she it they them this that is are was be to of in on at for with and
    or but not no yes do does can could would will please see need want like book find time day
    am pm there here one some any who what when where how about let get go new just also so
""".split())


@dataclass(frozen=True)
class Span:
    """A run of consecutive words in the text, with its character offsets."""

    start: int
    end: int
    text: str


def normalize(text: str) -> str:
    """Lower-case, drop punctuation and collapse spaces."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def word_spans(text: str, max_words: int = 4) -> Iterator[Span]:
    """Yield every run of 1 to `max_words` words, skipping runs that start or end on a stopword."""
    words = list(TOKEN.finditer(text))
    for i in range(len(words)):
        for j in range(i, min(i + max_words, len(words))):
            first, last = words[i], words[j]
            if normalize(first[0]) in STOPWORDS or normalize(last[0]) in STOPWORDS:
                continue
            end = last.end()
            while end > last.start() and text[end - 1] in ".'’":
                end -= 1
            yield Span(first.start(), end, text[first.start():end])


def similarity(phrase: str, name: str) -> float:
    """Score 0..1 how well a spoken phrase matches a name, tolerant of one or two typos."""
    a, b = normalize(phrase), normalize(name)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return max(fuzz.ratio(a, b) / 100, JaroWinkler.similarity(a, b) - 0.08)


@dataclass(frozen=True)
class Match:
    """The best span of the text for one named entry, with its score."""

    key: object
    span: Span
    score: float
    alias: str = ""


def best_matches(
    text: str, names: dict[object, Iterable[str]], threshold: float, scorer=None
) -> list[Match]:
    """Return, for each key whose names match some span at least `threshold`, its best span.

    `scorer(phrase, name)` defaults to `similarity`.

    The result is sorted best first; ties keep the longer span.
    """
    spans = list(word_spans(text))
    found: list[Match] = []
    for key, aliases in names.items():
        best: Match | None = None
        for alias in aliases:
            for span in spans:
                score = (scorer or similarity)(span.text, alias)
                if score < threshold:
                    continue
                if best is None or (score, span.end - span.start) > (best.score, best.span.end - best.span.start):
                    best = Match(key, span, score, alias)
        if best is not None:
            found.append(best)
    return sorted(found, key=lambda m: (-m.score, -(m.span.end - m.span.start)))


def sound_key(text: str) -> str:
    """Return a rough English sound-alike key: "Leigh" and "Lee", "Anna" and "Ana" share one.

    It drops a silent "gh" and an "h" after a consonant, merges each run of vowels into "a" and
    collapses doubled letters. It is a heuristic for names, not a phonetic standard.
    """
    words = []
    for word in normalize(text).split():
        word = re.sub(r"gh(?=[^aeiouy]|$)", "", word)
        word = re.sub(r"(?<=[^aeiouy])h", "", word)
        word = re.sub(r"[aeiouy]+", "a", word)
        word = re.sub(r"(.)\1+", r"\1", word)
        words.append(word)
    return " ".join(words)


def name_similarity(phrase: str, name: str) -> float:
    """Score 0..1 like `similarity`, but a sound-alike spelling scores 0.97."""
    score = similarity(phrase, name)
    if score < 0.97 and sound_key(phrase) == sound_key(name):
        return 0.97
    return score
