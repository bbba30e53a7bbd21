"""Intent extractor: what the patient wants to do (find, book, reschedule, cancel, list, human).

When one turn matches several intents, the most specific wins, in the order of `INTENTS`
("reschedule my booking" is a reschedule, "book and find" a book).
"""

from __future__ import annotations

from assistant.engines.local.nlu.base import EXTRACTORS, Context, Mention, compile_pattern, mention

PEOPLE = r"(?:a\s+|an\s+|the\s+|some\s+)?(?:real\s+|live\s+|actual\s+)?(?:person|human|someone|somebody|agent|representative|rep|receptionist|staff(?:\s+member)?|operator|nurse)"
INTENTS = [
    ("human", compile_pattern(rf"""
        (?:talk|speak|chat)\s+(?:to|with)\s+{PEOPLE}|front\s+desk|{PEOPLE}\s+please
        |transfer\s+me|human\s+being|call\s+me\s+back
    """)),
    ("cancel", compile_pattern(r"""
        cancel\w*|call\s+off|(?:can'?t|cannot|won'?t\s+be\s+able\s+to)\s+make\s+(?:it|my\s+appointment)
        |get\s+rid\s+of\s+my\s+appointment|drop\s+my\s+appointment
    """)),
    ("reschedule", compile_pattern(r"""
        re-?schedul\w*|re-?book\w*|move\s+(?:it|my|the|our)|push\s+(?:it\s+|my\s+\w+\s+|the\s+\w+\s+)?back
        |change\s+(?:my|the)\s+(?:appointment|booking|visit|time)|postpone|bring\s+(?:it\s+)?forward
        |different\s+(?:day|time)\s+for\s+my
    """)),
    ("list", compile_pattern(r"""
        what\s+appointments|(?:my|any)\s+(?:upcoming\s+|existing\s+|current\s+|next\s+)?(?:appointments|bookings)
        |when\s+is\s+my\s+(?:next\s+)?(?:appointment|visit)|my\s+next\s+(?:appointment|visit)|list\s+(?:my|all)
        |do\s+i\s+have\s+(?:an?\s+|any\s+)?appointments?
        |what\s+do\s+i\s+have(?:\s+(?:now|booked|scheduled|coming\s+up|on\s+the\s+books))?(?!\s+(?:to|available))
        |do\s+i\s+have\s+(?:anything|something)(?:\s+(?:booked|scheduled|coming\s+up|on\s+the\s+books))?
        |what(?:'s|\s+is)\s+(?:booked|scheduled)\s+for\s+me|am\s+i\s+(?:booked|scheduled)(?!\s+(?:for|with|in|at|on))
        |(?:show|see|check)\s+(?:me\s+)?my\s+(?:appointments?|bookings?|schedule)
        |what(?:'s|\s+is)\s+on\s+my\s+(?:schedule|calendar)
    """)),
    ("book", compile_pattern(r"""
        book\w*|schedul\w*|make\s+(?:an?|the|my)\s+(?:\w+\s+)?(?:appointment|booking|reservation)|reserve
        |set\s+(?:me\s+)?up\s+(?:an?|with)|sign\s+me\s+up|(?:get|have)\s+an?\s+(?:\w+\s+)?appointment
        |want\s+an?\s+(?:\w+\s+)?appointment|need\s+an?\s+(?:\w+\s+)?appointment|come\s+in
        |visit\s+(?:this|that|them|her|him|it)|go\s+(?:with|for)\s+(?:this|that|them|it|her|him)
        |fix\s+(?:me\s+)?(?:an?\s+)?appointment|appointment\s+(?:for|with|at|on)
    """)),
    ("find", compile_pattern(r"""
        find\w*|search\w*|look(?:ing)?\s+(?:for|up)|looking|available|availability|openings?
        |recommend\w*|suggest\w*|(?:need|want)\s+(?:an?\s+|to\s+see\s+an?\s+)?(?:new\s+|good\s+)?(?:\w+\s+)?(?:doctor|dentist|therapist|specialist|physician|salon|stylist|barber|provider)
        |(?:any|some|other|good|a\s+few)\s+(?:good\s+|other\s+|nice\s+)?(?:doctors?|dentists?|therapists?|specialists?|physicians?|salons?|stylists?|barbers?|providers?|clinics?|options?)
        |(?:someone|somebody|anyone|another|other)\s+(?:else|different)|other\s+options?|who\s+(?:is|are)\s+(?:there|available)
    """)),
]


@EXTRACTORS.register("intents")
def extract_intents(text: str, context: Context) -> list[Mention]:
    """Return one `intent` mention for the most specific intent the text states, if any."""
    for name, pattern in INTENTS:
        match = pattern.search(text)
        if match:
            return [mention("intent", name, match)]
    return []
