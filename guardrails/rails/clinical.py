"""Clinical questions and other out-of-scope requests: polite refusal and an offer of a human.

A clinical word that is only the reason for a visit ("book a follow-up for my lab results")
is a scheduling request; a question that asks for advice ("what do my lab results mean") is not.
"""

from __future__ import annotations

from guardrails.rails.base import RailHit, WeightedPattern, combined_score, matched, weighted
from guardrails.rails.normalize import NormalizedText

THRESHOLD = 0.5
# Booking intent lowers topic-only evidence: "schedule a visit about my refill" is scheduling.
SCHEDULING_DISCOUNT = 0.45

SCHEDULING_INTENT = weighted(
    "scheduling_intent",
    r"\b(?:book|booking|schedule|scheduling|reschedul\w*|appointment|appt|visit|slot|opening|see\s+(?:dr|doctor|a\s+doctor|someone)|cancel|come\s+in|availability|available)\b",
    1.0,
)

# "do I have any appointments", "do I have to bring...": what follows "do I have" in a
# scheduling question rather than in a question about a condition.
_NOT_A_CONDITION = (
    r"(?:(?:an?|any|my|the)\s+)?(?:appointments?|appts?|visits?|bookings?|slots?|openings?|time|anything"
    r"|something|nothing|to\b|copay|insurance|forms?|paperwork|reminders?|\d"
    r"|now|today|tonight|tomorrow|left|next|coming|upcoming|scheduled|booked|planned|on\b|with\b|at\b|this\b)"
)

CLINICAL_PATTERNS: tuple[WeightedPattern, ...] = (
    weighted("diagnosis_question", r"\b(?:what\s+(?:could|might|would)\s+(?:it|this|that)(?:\s+\w+){0,2}\s+be|do\s+(?:you\s+think\s+)?i\s+have\s+(?!" + _NOT_A_CONDITION + r")\w+|is\s+(?:it|this|that|my\s+\w+(?:\s+\w+)?)\s+(?:serious|normal|cancer|contagious|dangerous|bad|infected|an?\s+infection|covid|the\s+flu|strep)|am\s+i\s+(?:sick|pregnant|dying|contagious)|could\s+(?:it|this)\s+be|diagnos\w+\s+me|what(?:'s|\s+is)\s+wrong\s+with\s+me)\b", 0.9),
    weighted("symptom_advice", r"\b(?:should\s+i\s+(?:be\s+worried|worry|go\s+to\s+(?:the\s+)?(?:er|hospital|urgent\s+care)|stay\s+home)|how\s+do\s+i\s+(?:treat|cure|get\s+rid\s+of)|what\s+(?:can|should)\s+i\s+do\s+(?:for|about)\s+(?:my|the|this)|is\s+it\s+(?:bad|dangerous)\s+(?:if|that))\b", 0.9),
    weighted("dosing", r"\bhow\s+(?:much|many|often)\s+(?:\w+\s+){0,3}(?:should|can|do|may)\s+i\s+(?:take|give|use)\b|\b(?:can|should|may)\s+i\s+(?:take|mix|stop\s+taking|double|skip)\s+(?:my\s+|the\s+|a\s+|an\s+|some\s+|more\s+)?(?:\w+\s+)?(?:with|and|before|after|while|pills?|tablets?|meds|medications?|medicine|ibuprofen|tylenol|advil|aspirin|acetaminophen|antibiotics?|insulin|dose)\b|\bside\s+effects?\b|\binteract(?:s|ion)?\s+with\b|\b\d+\s*(?:mg|milligrams?)\b", 0.85),
    weighted("dosing_topic", r"\b(?:dosage|dosing|dose\s+of)\b", 0.6),
    weighted("results_question", r"\b(?:what\s+(?:do|does|did)\s+my\s+(?:\w+\s+)?(?:results?|labs?|tests?|biopsy|scan|x-?ray|mri|bloodwork)\s+(?:mean|say|show)|(?:are|were|is)\s+my\s+(?:\w+\s+)?(?:results?|labs?|tests?|biopsy|scan|bloodwork)\s+(?:back|normal|ok|okay|good|bad|in)|(?:read|explain|interpret)\s+my\s+(?:\w+\s+)?(?:results?|labs?|report))\b", 0.9),
    weighted("results_topic", r"\b(?:test|lab|blood\s*work|biopsy|pathology|imaging|mri|ct|x-?ray)\s+results?\b|\bmy\s+(?:labs|results)\b", 0.6),
    weighted("refill", r"\b(?:refill|renew|re-?up)\s+(?:of\s+)?(?:my\s+)?(?:\w+\s+)?(?:prescription|meds|medication|medicine|rx|inhaler|pills)?\b|\bprescription\s+(?:refill|renewal)\b|\b(?:need|out\s+of|ran\s+out\s+of)\s+(?:my\s+)?(?:meds|medication|prescription|pills|inhaler|insulin)\b|\bcall\s+in\s+(?:a\s+|my\s+)?(?:prescription|rx)\b", 0.6),
)

OUT_OF_SCOPE_PATTERNS: tuple[WeightedPattern, ...] = (
    weighted("billing_dispute", r"\b(?:overcharg\w*|double[\s-]?(?:charged|billed)|wrong(?:ly)?\s+(?:charged|billed)|dispute\s+(?:a|the|my|this)?\s*(?:bill|charge)|refund|bill(?:ed|ing)?\s+(?:error|mistake|dispute|question)|why\s+(?:was|am|did)\s+i\s+(?:get\s+)?(?:charged|billed)|(?:my|this|the)\s+(?:bill|invoice|statement)\s+(?:is|was)\s+(?:wrong|too\s+high|incorrect)|sent\s+(?:me\s+)?to\s+collections|claim\s+(?:was\s+)?denied)\b", 0.85),
    weighted("off_topic", r"\b(?:write|compose)\s+(?:me\s+)?(?:a|an)\s+(?:poem|story|essay|song|code|script|program)|\b(?:weather|stock\s+price|sports?\s+scores?|lottery|recipe|homework)\b|\btell\s+me\s+a\s+joke\b", 0.8),
)


class ClinicalRail:
    """Flag requests for medical advice, results, dosing or refills."""

    name = "clinical"

    def check(self, normalized: NormalizedText) -> RailHit | None:
        return _check(normalized, CLINICAL_PATTERNS, "clinical")


class OutOfScopeRail:
    """Flag billing disputes and requests unrelated to the clinic."""

    name = "out_of_scope"

    def check(self, normalized: NormalizedText) -> RailHit | None:
        return _check(normalized, OUT_OF_SCOPE_PATTERNS, "out_of_scope")


def _check(normalized: NormalizedText, patterns: tuple[WeightedPattern, ...], action: str) -> RailHit | None:
    text = normalized.plain
    hits = matched(patterns, text)
    if not hits:
        return None
    weights = [hit.weight for hit in hits]
    if SCHEDULING_INTENT.pattern.search(text) and max(weights) < 0.85:
        weights = [weight - SCHEDULING_DISCOUNT for weight in weights]
    score = combined_score(weights)
    if score < THRESHOLD:
        return None
    return RailHit(action, action, score, "normal", tuple(hit.name for hit in hits))
