"""Requested-information and provider-feature extractors.

A question about a fact ("where are they located?") becomes a `requested` mention. Features a
patient may want from a provider (cosmetic services, a unisex salon) become a `requested` mention
when asked about, and a boolean slot (`cosmetic`, `unisex`) when stated as a wish.
"""

from __future__ import annotations

import re

from assistant.engines.local.nlu.base import EXTRACTORS, Context, Mention, compile_pattern, mention

REQUESTS = {
    "address": r"address|where\s+(?:is|are)\s+(?:it|they|he|she|the\s+\w+|that)(?:\s+\w+)?|located|location|where\s+(?:exactly|is\s+that)|street|directions",
    "phone_number": r"(?:phone|telephone)(?:\s+(?:number|no\.?|\#))?|contact\s+(?:number|info\w*|details)|(?:telephone|cell)\s+number|number\s+to\s+call|how\s+(?:can|do)\s+i\s+(?:call|reach|contact)",
    "rating": r"ratings?|rated|reviews?|how\s+good|stars?",
    "duration": r"how\s+long\s+(?:is|will|does)|duration",
    "cost": r"cost|price|how\s+much|fee",
    "hours": r"(?<!\d\s)(?<!\d)(?:opening\s+|office\s+|business\s+|clinic\s+|your\s+|their\s+|the\s+)?hours|opening\s+times|when\s+(?:are|is)\s+(?:you|it|they|the\s+\w+(?:\s+\w+)?)\s+open|what\s+time\s+do\s+(?:you|they)\s+(?:open|close)|open\s+(?:on\s+)?(?:weekends|saturdays?|sundays?|today|late)",
    "insurance": r"insurance|accept\s+my\s+plan|in[\s-]network",
}
FEATURES = {
    "cosmetic": r"cosmetic(?:\s+(?:services?|dentistry|procedures?|work))?",
    "unisex": r"unisex|unixes|(?:for\s+)?(?:both\s+)?men\s+and\s+women|gender[\s-]neutral",
}
QUESTION = re.compile(
    r"\?|^\s*(?:what|whats|where|how|which|who|is|are|do|does|can|could|would|will|tell|give|i\s+need\s+their|i'?d\s+like\s+to\s+know)\b"
    r"|\b(?:what|where|how)\s+(?:is|are|about)\b|\bdo\s+(?:they|you)\b|\bdoes\s+(?:it|he|she)\b|\bis\s+(?:it|that|this|he|she)\b|\bare\s+they\b",
    re.IGNORECASE,
)
FEATURE_QUESTION = re.compile(
    r"\b(?:is|are|does|do)\s+(?:it|they|he|she|that|this|these|the\s+\w+)\b|\bwhether\b|\bif\s+(?:it|they|he|she)\b",
    re.IGNORECASE,
)
REQUEST_PATTERNS = {name: compile_pattern(p) for name, p in REQUESTS.items()}
FEATURE_PATTERNS = {name: compile_pattern(p) for name, p in FEATURES.items()}
CLAUSE = re.compile(r"[^.?!;]+[.?!;]?")


@EXTRACTORS.register("requests")
def extract_requests(text: str, context: Context) -> list[Mention]:
    """Return `requested` mentions (value: the name of the fact) and feature slot mentions."""
    found = []
    for clause in CLAUSE.finditer(text):
        is_question = bool(QUESTION.search(clause[0]))
        offset = clause.start()
        if is_question:
            found += _find(REQUEST_PATTERNS, clause[0], offset, lambda name: ("requested", name))
        asks_about = bool(FEATURE_QUESTION.search(clause[0]))
        found += _find(
            FEATURE_PATTERNS, clause[0], offset,
            lambda name: ("requested", name) if asks_about else (name, True),
        )
    return found


def _find(patterns, text: str, offset: int, label) -> list[Mention]:
    found = []
    for name, pattern in patterns.items():
        match = pattern.search(text)
        if match:
            slot, value = label(name)
            found.append(Mention(slot, value, offset + match.start(), offset + match.end(), match[0]))
    return found
