"""Prompt-injection and jailbreak detection by weighted patterns over normalised variants.

Patterns need an instruction-like object ("ignore previous *instructions*"), so patients who
say "ignore that, make it Friday" or "disregard my last message" are not flagged.
"""

from __future__ import annotations

from guardrails.rails.base import RailHit, WeightedPattern, combined_score, matched, weighted
from guardrails.rails.normalize import NormalizedText

THRESHOLD = 0.5
# Evidence found only inside decoded base64, hex or rot13 text weighs this much more.
ENCODED_BONUS = 0.25

_TARGETS = (
    r"(?:instructions?|prompts?|rules?|guidelines?|directives?|guardrails?|polic(?:y|ies)|constraints?"
    r"|restrictions?|programming|safety\s+(?:rules|filters?|settings)|filters?|system\s+message|context)"
)
_QUALIFIERS = r"(?:(?:all|any|the|your|ur|yer|of|previous|prior|above|earlier|preceding|initial|original|system|safety|these|those|hipaa|privacy)\s+)*"
_TOOLS = r"(?:find_slots|book_appointment|list_appointments|cancel_appointment|reschedule_appointment|request_human)"

PATTERNS: tuple[WeightedPattern, ...] = (
    weighted("override", rf"\b(?:ignore|disregard|forget|override|bypass|skip|drop|abandon|discard)\s+{_QUALIFIERS}(?:[\w']+\s+){{0,2}}{_TARGETS}\b", 0.85),
    weighted("ignore_above", r"\b(?:ignore|disregard|forget)\s+(?:all\s+|everything\s+|the\s+(?:text\s+|stuff\s+)?)?(?:above|before\s+this|previous(?:ly)?\s+said)\b", 0.7),
    weighted("exfiltrate_prompt", r"\b(?:reveal|show|print|output|repeat|display|tell|give|leak|dump|share|paste|recite|quote|what\s+(?:is|are|was|were)(?:\s+written\s+in)?)\s+(?:me\s+|us\s+)?(?:your|the)\s+(?:\w+\s+){0,2}(?:system\s+prompt|system\s+message|instructions|initial\s+prompt|hidden\s+prompt|prompt|configuration)\b", 0.8),
    weighted("ask_rules", r"\b(?:reveal|show|print|repeat|tell|give|what\s+are)\s+(?:me\s+)?your\s+(?:\w+\s+)?(?:rules|guidelines|policies)\b", 0.45),
    weighted("system_prompt", r"\b(?:system|developer|hidden|initial)\s+(?:prompt|message|instructions)\b|\bcontents?\s+of\s+your\s+(?:configuration|prompt|instructions|memory|context)\b", 0.55),
    weighted("role_change", r"\b(?:you\s+are|you're|youre)\s+(?:now|no\s+longer)\b|\bfrom\s+now\s+on,?\s+(?:you|act|respond|answer)\b|\b(?:pretend|imagine)\s+(?:to\s+be|you\s+are|you're|that\s+you)\b|\brole-?play\s+as\b|\bact\s+as\s+(?:an?\s+|my\s+|the\s+)?(?:unrestricted|unfiltered|evil|admin|administrator|developer|root|hacker|different|new|dan)\b", 0.65),
    weighted("jailbreak_term", r"\bjailbr(?:ea|o)k|\bdo\s+anything\s+now\b|\bdeveloper\s+mode\b|\bgod\s+mode\b|\bdan\s+mode\b|\bunfiltered\b|\bunrestricted\b|\bwithout\s+(?:any\s+)?(?:restrictions|limits|limitations|filters|rules|censorship)\b|\bno\s+(?:restrictions|limits|rules|filters)\b", 0.7),
    weighted("privilege_claim", r"\b(?:i\s+am|i'm|im|as)\s+(?:the\s+|an?\s+|your\s+)?(?:admin|administrator|developer|sysadmin|system\s+administrator|creator|programmer|owner|root\s+user)\b|\b(?:admin|root|sudo|debug|maintenance)\s+(?:mode|access|override|privileges?|command)\b|\bsudo\b|\bi\s+authori[sz]e\s+you\b", 0.55),
    weighted("other_patients", r"\b(?:list|show|give|export|dump|print|send|read|access|tell\s+me(?:\s+about)?|display|pull\s+up|look\s+up|email\s+me)\s+(?:me\s+)?(?:all|every|other|another|everyone's|everybody's|any)\s+(?:other\s+)?(?:patients?|users?|records|people|persons?|members?|accounts?|customers?|appointments)\b|\b(?:other|another|all)\s+(?:patients?|users?)(?:'s|')?\s+(?:data|info|information|records|appointments|details|phone|emails?|names?|addresses?|dob|charts?)\b|\bevery\s+patient\b|\bwho\s+else\s+(?:has|is|had|booked|is\s+booked)\b|\beveryone's\s+(?:appointments|records|data|info)", 0.85),
    weighted("disclose_records", r"\b(?:reveal|share|disclose|leak|give\s+me|send\s+me)\s+(?:\w+\s+){0,2}(?:patient|medical|health)\s+(?:data|records?|info|information|details|charts?)\b|\bleaks?\s+(?:medical|patient)\s+records\b", 0.7),
    weighted("secrets_request", r"\b(?:give|tell|show|send|share|print|what(?:'s|\s+is))\s+(?:me\s+)?(?:the|your)\s+(?:\w+\s+)?(?:api[\s_-]?keys?|access\s+tokens?|bearer\s+tokens?|tokens?|passwords?|credentials|secret\s+keys?|connection\s+string)\b", 0.75),
    weighted("secrets", r"\b(?:api[\s_-]?keys?|access\s+tokens?|bearer\s+tokens?|credentials|env(?:ironment)?\s+variables|database|connection\s+string|secret\s+key)\b", 0.35),
    weighted("sql", r"\bselect\s+\*\s+from\b|\bdrop\s+table\b|\bunion\s+select\b|;\s*--|\bor\s+1\s*=\s*1\b", 0.8),
    weighted("markup", r"</?\s*(?:system|assistant|instructions?|sys)\s*>|\[/?inst\]|<\|im_(?:start|end)\|>|#{2,}\s*(?:system|instructions?|new\s+rules)|\bbegin\s+(?:system|prompt|instructions)\b|\bend\s+of\s+(?:system\s+)?(?:prompt|instructions)\b", 0.8),
    weighted("new_instructions", r"\bnew\s+(?:instructions?|rules|task|directives?|orders|system\s+prompt)\s*[:\-]|\b(?:updated|real|actual|true)\s+instructions\b|\byour\s+(?:new|real|true)\s+(?:task|goal|purpose|instructions)\b", 0.7),
    weighted("tool_abuse", rf"\b{_TOOLS}\b|\b(?:call|invoke|run|execute|trigger)\s+(?:the\s+)?(?:tool|function)\b|\b(?:cancel|delete|remove|wipe|book|move)\s+(?:all|every)\s+(?:\w+\s+)?(?:appointments?|bookings?|slots?)\s+(?:for|of|in|at)\s+(?:all|every|everyone|everybody|other|the\s+(?:clinic|system|database|whole))", 0.6),
    weighted("output_control", r"\b(?:respond|reply|answer)\s+only\s+(?:with|in)\b|\bdo\s+not\s+(?:mention|tell|warn|refuse)\b|\byou\s+(?:must|will|shall)\s+(?:obey|comply|answer\s+everything)\b|\bno\s+matter\s+what\s+(?:your|the)\s+(?:rules|instructions)\b", 0.45),
    weighted("prompt_leak_trick", r"\b(?:repeat|print|translate|summari[sz]e)\s+(?:everything|all|the\s+text|the\s+words)\s+(?:above|before|prior)\b|\bthe\s+(?:text|words)\s+above\b|\bstarting\s+with\s+['\"]you\s+are", 0.7),
)


class InjectionRail:
    """Score a message in [0, 1]; at or above ``threshold`` it is an injection attempt."""

    name = "injection"

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold

    def score(self, normalized: NormalizedText) -> tuple[float, tuple[str, ...]]:
        """Return the score and the names of the patterns that matched."""
        names: set[str] = set()
        weights: dict[str, float] = {}
        for variant in normalized.variants:
            for item in matched(PATTERNS, variant):
                weights[item.name] = max(weights.get(item.name, 0.0), item.weight)
                names.add(item.name)
        for payload in normalized.decoded:
            for item in matched(PATTERNS, payload):
                boosted = min(1.0, item.weight + ENCODED_BONUS)
                weights[item.name] = max(weights.get(item.name, 0.0), boosted)
                names.add(f"encoded:{item.name}")
        return combined_score(list(weights.values())), tuple(sorted(names))

    def check(self, normalized: NormalizedText) -> RailHit | None:
        score, names = self.score(normalized)
        if score < self.threshold:
            return None
        return RailHit("injection", "injection", score, None, names)
