"""Provider, site and city extractors.

With a directory in the Lexicon, phrases are matched fuzzily against it and the slot value is the
entry's id; two providers that match within `AMBIGUITY_MARGIN` give a tuple of both ids, so the
policy can ask which one. With an empty Lexicon (open vocabulary), names are taken from how they
are introduced: a title ("Dr. Kim"), a capitalised name after "with", or a capitalised place
after "in" or "near"; the value is then the text itself.
"""

from __future__ import annotations

import re
from typing import Iterator

from assistant.engines.local.nlu import fuzzy
from assistant.engines.local.nlu.base import EXTRACTORS, Context, Mention, compile_pattern, mention
from assistant.engines.local.nlu.calendar import MONTHS, WEEKDAYS

PROVIDER_THRESHOLD = 0.8
SURNAME_ONLY_THRESHOLD = 0.9
SITE_THRESHOLD = 0.85
AMBIGUITY_MARGIN = 0.05
TITLE = re.compile(r"^(?:dr|doctor|doc)\.?\s+", re.IGNORECASE)

CAPITALISED = r"(?:[A-Z][\w'’&.-]*|[A-Z]{2,})"
NAME_WORDS = rf"{CAPITALISED}(?:\s+(?:{CAPITALISED}|&|and|of|the|de|van|von|da|la))*?(?:\s+{CAPITALISED})?"
OPEN_PROVIDER = re.compile(rf"\b(?:Dr\.?|Doctor|doctor|dr\.?)\s+{NAME_WORDS}")
OPEN_PROVIDER_AFTER = re.compile(rf"\b(?:with|see|visit|choose|prefer)\s+(?P<name>{CAPITALISED}\s+{CAPITALISED}(?:\s+{CAPITALISED})?)")
OPEN_PLACE = re.compile(rf"\b(?:in|near|around|at|from|to|of|through|within)\s+(?:the\s+)?(?:city\s+of\s+|area\s+of\s+)?(?P<place>{CAPITALISED}(?:\s+{CAPITALISED}){{0,2}})")
NOT_PLACES = {w.title() for w in [*MONTHS, *WEEKDAYS]} | {
    "I", "Dr", "Doctor", "Doc", "Please", "Thanks", "Thank", "The", "Tomorrow", "Today", "Monday", "Yes",
    "No", "Ok", "Okay", "Is", "Can", "Could", "What", "Also", "That", "It", "Mr", "Mrs", "Ms",
}


def _provider_aliases(provider: dict) -> list[str]:
    names = {provider.get("name", ""), provider.get("display_name", "")}
    aliases = set()
    for name in filter(None, names):
        bare = TITLE.sub("", name)
        surname = bare.split()[-1]
        aliases |= {bare, f"dr {bare}", f"dr {surname}"}
    return sorted(aliases)


def _provider_scorer(phrase: str, alias: str) -> float:
    phrase = TITLE.sub("dr ", phrase)
    if not phrase.lower().startswith("dr") and len(phrase.split()) == 1:
        return 0.0
    return fuzzy.name_similarity(phrase, alias)


def _surname_scorer(phrase: str, alias: str) -> float:
    return fuzzy.name_similarity(phrase, alias) if len(phrase.split()) == 1 else 0.0


def _directory_providers(text: str, context: Context) -> list[Mention]:
    providers = {p["id"]: p for p in context.lexicon.providers}
    aliases = {key: _provider_aliases(p) for key, p in providers.items()}
    matches = fuzzy.best_matches(text, aliases, PROVIDER_THRESHOLD, _provider_scorer)
    if not matches:
        surnames = {key: [TITLE.sub("", p["name"]).split()[-1]] for key, p in providers.items()}
        matches = fuzzy.best_matches(text, surnames, SURNAME_ONLY_THRESHOLD, _surname_scorer)
    return list(_group_matches(matches))


def _is_full_name(alias: str) -> bool:
    return len(TITLE.sub("", alias).split()) >= 2


def _group_matches(matches: list[fuzzy.Match]) -> Iterator[Mention]:
    """Yield one mention per span; keys that match one span about equally make a tuple value."""
    taken: list[fuzzy.Match] = []
    for best in matches:
        if any(best.span.start < t.span.end and t.span.start < best.span.end for t in taken):
            continue
        rivals = [m for m in matches if m.span.start < best.span.end and best.span.start < m.span.end]
        taken.extend(rivals)
        exact = best.score == 1.0 and _is_full_name(best.alias)
        close = [m.key for m in rivals if best.score - m.score <= AMBIGUITY_MARGIN]
        value = best.key if exact or len(close) == 1 else tuple(dict.fromkeys(close))
        yield Mention("provider", value, best.span.start, best.span.end, best.span.text, best.score)


def _open_providers(text: str) -> Iterator[Mention]:
    for match in OPEN_PROVIDER.finditer(text):
        yield mention("provider", match[0], match)
    for match in OPEN_PROVIDER_AFTER.finditer(text):
        yield mention("provider", match["name"], match, "name", score=0.8)


@EXTRACTORS.register("providers")
def extract_providers(text: str, context: Context) -> list[Mention]:
    """Return `provider` mentions: directory ids (or a tuple when ambiguous), or open names."""
    if context.lexicon.providers:
        return _directory_providers(text, context)
    return list(_open_providers(text))


def _directory_places(text: str, context: Context) -> Iterator[Mention]:
    sites = {s["id"]: [s["name"]] for s in context.lexicon.sites}
    for match in fuzzy.best_matches(text, sites, SITE_THRESHOLD)[:1]:
        yield Mention("site", match.key, match.span.start, match.span.end, match.span.text, match.score)
    cities = {s["city"]: [s["city"]] for s in context.lexicon.sites if s.get("city")}
    for match in fuzzy.best_matches(text, cities, SITE_THRESHOLD)[:1]:
        yield Mention("city", match.key, match.span.start, match.span.end, match.span.text, match.score)


def _trim_place(words: str) -> str:
    kept = []
    for word in words.split():
        if word.strip(".,") in NOT_PLACES:
            break
        kept.append(word)
    return " ".join(kept).rstrip(".,'’")


LOWER_PLACE = re.compile(
    r"\b(?:in|near|around)\s+(?P<place>[a-z][a-z'-]+(?:\s+[a-z][a-z'-]+){0,2}?)(?=\s*(?:[.,!?;]|$|\s+(?:for|on|at|who|which|that|and|please|area|today|tomorrow|next|this|with|to|if|or|but|instead|then|as)\b))"
)
NOT_LOWER_PLACES = frozenset("""
    the a an my your their his her our this that these those it there here town person general mind
    advance case time order touch particular addition fact which what any some all one two three
    four five six seven eight nine ten eleven twelve morning evening afternoon night
    mornings evenings afternoons person charge line need love trouble pain a.m p.m am pm so me us
    them you him stock detail total half quarter week weeks days day month months year hand
""".split())
REPLY_FILLER = re.compile(
    r"^(?:(?:ok(?:ay)?|sure(?:\s+thing)?|yes|yeah|um+|well|hmm+|please|i\s+think|i'?d\s+say|let'?s\s+(?:go\s+with|try|do|say)|how\s+about|try|maybe|search(?:\s+in)?|look(?:\s+in|\s+through)?|in|it'?s|i'?m\s+in|something\s+in|somewhere\s+in|anywhere\s+in)[\s,.!]+)*",
    re.IGNORECASE,
)


def _open_places(text: str, context: Context) -> Iterator[Mention]:
    for match in OPEN_PLACE.finditer(text):
        place = _trim_place(match["place"])
        if place:
            start = match.start("place")
            yield Mention("city", place, start, start + len(place), place, 0.8)
    for match in LOWER_PLACE.finditer(text):
        if not set(match["place"].split()) & NOT_LOWER_PLACES:
            yield mention("city", match["place"], match, "place", score=0.7)
    if context.system and "city" in context.system.requested:
        yield from _answered_place(text)


def _answered_place(text: str) -> Iterator[Mention]:
    """Yield the place a short reply names when the assistant asked for a city ("Antioch please.")."""
    start = REPLY_FILLER.match(text).end()
    rest = re.sub(r"(?:[\s,]+(?:please|thanks?|thank\s+you|instead))*[\s.!?]*$", "", text[start:], flags=re.IGNORECASE)
    words = rest.split()
    if 0 < len(words) <= 3 and not set(w.lower() for w in words) & NOT_LOWER_PLACES:
        yield Mention("city", rest, start, start + len(rest), rest, 0.6)


@EXTRACTORS.register("places")
def extract_places(text: str, context: Context) -> list[Mention]:
    """Return `site` (directory id) and `city` mentions."""
    if context.lexicon.sites:
        return list(_directory_places(text, context))
    return list(_open_places(text, context))
