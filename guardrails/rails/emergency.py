"""Emergencies: the patient is sent to 911 or 988 at once, with no model call."""

from __future__ import annotations

from guardrails.rails.base import RailHit, WeightedPattern, matched, weighted
from guardrails.rails.normalize import NormalizedText

_CANT = r"(?:can'?t|cannot|can\s+not|unable\s+to|couldn'?t|hard\s+to|struggling\s+to|trouble|difficulty)"

CRISIS_PATTERNS: tuple[WeightedPattern, ...] = (
    weighted("suicidal", r"\bsuicid\w*|\bkill(?:ing)?\s+my\s*self\b|\bend\s+(?:my\s+(?:own\s+)?life|it\s+all)\b|\btake\s+my\s+(?:own\s+)?life\b|\bwant\s+to\s+die\b|\bwanna\s+die\b|\bbetter\s+off\s+dead\b|\bno\s+reason\s+to\s+live\b|\bdon'?t\s+want\s+to\s+(?:live|be\s+alive)\b", 1.0),
    weighted("self_harm", r"\bself[\s-]?harm\w*|\b(?:hurt|hurting|harm|harming|cut|cutting|burn|burning)\s+my\s*self\b", 1.0),
)
MEDICAL_PATTERNS: tuple[WeightedPattern, ...] = (
    weighted("chest_pain", r"\bchest\s+(?:pain|pains|pressure|tightness|is\s+(?:tight|hurting))\b|\bheart\s+attack\b|\bpain\s+in\s+my\s+chest\b", 1.0),
    weighted("stroke", r"\bstroke\b|\bface\s+(?:is\s+)?droop\w*|\bdrooping\s+face\b|\bslurr\w*\s+(?:speech|words|talking)|\bspeech\s+is\s+slurred\b|\b(?:numb|numbness|weak|weakness)\s+(?:on|in)\s+one\s+side\b|\bcan'?t\s+(?:move|feel)\s+(?:my|his|her|their)\s+(?:arm|leg|face)\b", 1.0),
    weighted("breathing", rf"\b{_CANT}\s+(?:breathe|breathing|breath)\b|\bnot\s+breathing\b|\bshort(?:ness)?\s+of\s+breath\b|\bchok(?:ing|es)\b|\bthroat\s+(?:is\s+)?(?:closing|swelling)\b|\bturning\s+blue\b", 1.0),
    weighted("bleeding", r"\b(?:severe|heavy|heavily|uncontrolled|uncontrollable|lots\s+of|a\s+lot\s+of|massive)\s+(?:bleeding|blood)\b|\bbleeding\s+(?:heavily|badly|a\s+lot|profusely|won'?t\s+stop|that\s+won'?t\s+stop|non-?stop)\b|\bwon'?t\s+stop\s+bleeding\b|\bcoughing\s+up\s+blood\b|\bvomiting\s+blood\b", 1.0),
    weighted("overdose", r"\boverdos\w*|\bo\.d\.?'?d\b|\btook\s+(?:too\s+many|a\s+(?:whole\s+)?bottle\s+of|all\s+(?:my|of\s+my|the))\s+(?:\w+\s+)?(?:pills|tablets|meds|medication|medicine)\b|\bswallowed\s+(?:\w+\s+){0,2}(?:pills|tablets|bleach|poison)\b|\bpoison(?:ed|ing)\b", 1.0),
    weighted("unresponsive", r"\bunconscious\b|\bunresponsive\b|\bpassed\s+out\s+and\s+(?:won'?t|can'?t|isn'?t)\b|\bwon'?t\s+wake\s+up\b|\bhaving\s+a\s+seizure\b|\bseizing\b|\banaphyla\w*", 1.0),
)


class EmergencyRail:
    """Match crisis language (988 guidance) or emergency symptoms (911 guidance)."""

    name = "emergency"

    def check(self, normalized: NormalizedText) -> RailHit | None:
        for variant in normalized.variants:
            crisis = matched(CRISIS_PATTERNS, variant)
            if crisis:
                return RailHit("emergency", "emergency_crisis", 1.0, "urgent", _names(crisis))
            medical = matched(MEDICAL_PATTERNS, variant)
            if medical:
                template = "emergency_overdose" if _names(medical) == ("overdose",) else "emergency_medical"
                return RailHit("emergency", template, 1.0, "urgent", _names(medical))
        return None


def _names(items: list[WeightedPattern]) -> tuple[str, ...]:
    return tuple(item.name for item in items)
