"""Spelling repair for the tracker's closed vocabularies, run before the extractors.

Patients type on phones: "i ned a chekup nxt tusday mornin", "cancle my appt". `repair` rewrites
text-message abbreviations and near-misses of a small closed vocabulary (weekdays, months,
relative-date words, parts of the day, scheduling verbs, visit types, specialties) to their
standard spelling. It keeps an offset map, so each mention found in the repaired text is
reported with the patient's own words.

Safeguards against turning ordinary words into dates or intents:

- a word is repaired by edit distance only when it has at least `MIN_FUZZY_LENGTH` letters, is
  one edit from a vocabulary word (or two, for words of seven letters or more that also keep
  the last letter: "wensday", not "earlier" to "earliest"), starts with the same letter, and
  exactly one vocabulary word is that close;
- words in `ORDINARY_WORDS` ("mourning", "cancer", "mouth", "match"), inflected forms of a
  vocabulary word ("marched", "booked", "mornings") and names in the clinic directory are kept;
- "sat" and "sun" become weekdays only in a date context ("on sat", "sun morning", "sat?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from assistant.engines.local.nlu.base import Mention
from assistant.engines.local.state import Lexicon

MIN_FUZZY_LENGTH = 4
TOKEN = re.compile(r"[A-Za-z0-9]+")

# Standard spellings that near-misses are repaired to; 4-letter words ("next", "june", "week",
# "book") sit too close to ordinary words and are reached only through `ABBREVIATIONS`.
VOCABULARY = frozenset("""
    monday tuesday wednesday thursday friday saturday sunday
    january february march april august september october november december
    today tomorrow tonight yesterday weekend month morning afternoon evening following
    appointment appointments schedule reschedule cancel available earliest soonest
    checkup cleaning physical doctor dentist dermatologist cardiologist pediatrician therapist
    therapy physiotherapist gynecologist orthopedist optometrist ophthalmologist psychiatrist
    psychologist dermatology cardiology pediatrics orthopedics
""".split())
# Text-message spellings, matched whole and case-insensitively.
ABBREVIATIONS = {
    "nxt": "next", "tmrw": "tomorrow", "tmr": "tomorrow", "tmrow": "tomorrow", "tmrrw": "tomorrow",
    "2moro": "tomorrow", "2morrow": "tomorrow", "2mrw": "tomorrow", "2day": "today", "tdy": "today",
    "tonite": "tonight", "2nite": "tonight", "nite": "night", "wk": "week", "wks": "weeks",
    "wknd": "weekend", "wkend": "weekend", "mnth": "month", "appt": "appointment",
    "appts": "appointments", "resched": "reschedule", "sched": "schedule", "cxl": "cancel",
    "cncl": "cancel", "avail": "available", "b4": "before", "mrng": "morning", "mornin": "morning",
    "aftn": "afternoon", "evng": "evening", "eveng": "evening", "pls": "please", "plz": "please",
}
# Abbreviations that are also ordinary words, repaired only in a date context.
DATE_ONLY_ABBREVIATIONS = {"sat": "saturday", "sun": "sunday"}
DATE_CONTEXT_BEFORE = frozenset("""
    on this next coming by until till to or every for from before after thru through last
""".split())
DATE_CONTEXT_AFTER = frozenset("morning afternoon evening night at or the".split())
# Ordinary words one or two edits from a vocabulary word, which must never be repaired.
ORDINARY_WORDS = frozenset("""
    mourning moaning mooring morphing cancer candle mouth moth match marsh marc frida sundae
    sundry toady toddy augusta earnest easiest clearing cleansing physics physician physicians
    checkout checked
""".split())
INFLECTIONS = ("s", "es", "d", "ed", "ing", "ly", "er", "ers")


@dataclass(frozen=True)
class Edit:
    """One replaced word: its span in the repaired text and in the original text."""

    start: int
    end: int
    original_start: int
    original_end: int


@dataclass(frozen=True)
class RepairedText:
    """The repaired text, with the edits that map its offsets back to the original."""

    original: str
    text: str
    edits: tuple[Edit, ...] = ()

    def original_offset(self, offset: int, is_end: bool) -> int:
        """Map an offset of `text` to `original`; an offset inside an edit maps to its edge."""
        shift = 0
        for edit in self.edits:
            if offset < edit.start or (is_end and offset == edit.start):
                break
            if offset < edit.end or (is_end and offset == edit.end):
                return edit.original_end if is_end else edit.original_start
            shift = edit.original_end - edit.end
        return offset + shift

    def restore(self, item: Mention) -> Mention:
        """Return `item` with the span and words of the original text."""
        if not self.edits:
            return item
        start = self.original_offset(item.start, is_end=False)
        end = self.original_offset(item.end, is_end=True)
        return Mention(item.slot, item.value, start, end, self.original[start:end], item.score)


def protected_words(lexicon: Lexicon) -> frozenset[str]:
    """Return the lower-case words of the directory's names, which `repair` never changes."""
    names = [p.get("name", "") for p in lexicon.providers] + [p.get("display_name", "") for p in lexicon.providers]
    names += [s.get("name", "") for s in lexicon.sites] + [s.get("city", "") for s in lexicon.sites]
    return frozenset(word.lower() for name in names for word in TOKEN.findall(name or ""))


def _is_inflection(word: str) -> bool:
    return any(word == base + ending for base in VOCABULARY for ending in INFLECTIONS)


def _nearest(word: str) -> str | None:
    """Return the only vocabulary word within the allowed edits of `word`, if there is one."""
    if len(word) < MIN_FUZZY_LENGTH or word in VOCABULARY or word in ORDINARY_WORDS or _is_inflection(word):
        return None
    allowed = 2 if len(word) >= 7 else 1
    best: list[str] = []
    best_distance = allowed + 1
    for candidate in VOCABULARY:
        if candidate[0] != word[0] or abs(len(candidate) - len(word)) > allowed:
            continue
        distance = OSA.distance(word, candidate, score_cutoff=allowed)
        if distance == 2 and candidate[-1] != word[-1]:
            continue
        if distance < best_distance:
            best, best_distance = [candidate], distance
        elif distance == best_distance:
            best.append(candidate)
    return best[0] if len(best) == 1 and best_distance <= allowed else None


def _in_date_context(words: list[str], index: int) -> bool:
    before = words[index - 1] if index > 0 else ""
    after = words[index + 1] if index + 1 < len(words) else ""
    return len(words) == 1 or before in DATE_CONTEXT_BEFORE or after in DATE_CONTEXT_AFTER or after.isdigit()


def _with_case(replacement: str, original: str) -> str:
    if len(original) > 1 and original.isupper():
        return replacement.upper()
    if original[:1].isupper():
        return replacement.capitalize()
    return replacement


def repair(text: str, protected: frozenset[str] = frozenset()) -> RepairedText:
    """Return `text` with abbreviations and near-miss spellings of the vocabulary repaired.

    Words in `protected` (see `protected_words`) are kept as they are.
    """
    tokens = list(TOKEN.finditer(text))
    words = [token[0].lower() for token in tokens]
    pieces: list[str] = []
    edits: list[Edit] = []
    position = 0
    length = 0
    for index, token in enumerate(tokens):
        word = words[index]
        if word in protected:
            continue
        replacement = ABBREVIATIONS.get(word)
        if replacement is None and word in DATE_ONLY_ABBREVIATIONS and _in_date_context(words, index):
            replacement = DATE_ONLY_ABBREVIATIONS[word]
        if replacement is None and word.isalpha():
            replacement = _nearest(word)
        if replacement is None:
            continue
        replacement = _with_case(replacement, token[0])
        pieces.append(text[position: token.start()])
        length += token.start() - position
        edits.append(Edit(length, length + len(replacement), token.start(), token.end()))
        pieces.append(replacement)
        length += len(replacement)
        position = token.end()
    if not edits:
        return RepairedText(text, text)
    pieces.append(text[position:])
    return RepairedText(text, "".join(pieces), tuple(edits))
