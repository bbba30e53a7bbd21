"""Reading short texts: carrier keywords, reminder replies, codes, yes and no, wrong numbers.

Keywords count only as the whole message (case and surrounding punctuation ignored), so
"please stop texting me at night" is a normal message, not an opt-out. "CANCEL" alone is an
opt-out keyword under US carrier rules; cancelling an appointment takes other words
("cancel my appointment") or "X" in reply to a reminder.
"""

from __future__ import annotations

import re
import unicodedata

OPT_OUT_KEYWORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
OPT_IN_KEYWORDS = frozenset({"START", "UNSTOP"})
HELP_KEYWORDS = frozenset({"HELP", "INFO", "AYUDA"})
REMINDER_REPLIES = {"C": "confirmed", "R": "reschedule", "X": "cancel"}
CODE_REQUESTS = frozenset({"CODE", "CODIGO"})
YES_WORDS = frozenset({"YES", "Y", "YEP", "YEAH", "SI", "CONFIRM", "OK"})
NO_WORDS = frozenset({"NO", "N", "NOPE", "KEEP"})
WRONG_NUMBER_RE = re.compile(
    r"\b(?:wrong\s+(?:number|person|#)|who\s+is\s+this|n[uú]mero\s+equivocado|"
    r"qui[eé]n\s+es|don'?t\s+know\s+(?:you|who))\b", re.IGNORECASE)
CODE_RE = re.compile(r"^\s*(\d{3})[\s-]?(\d{3})\s*$")
SPANISH_HINTS = frozenset({"hola", "cita", "quiero", "necesito", "gracias", "por", "favor",
                           "buenos", "buenas", "nacimiento", "ayuda", "cancelar", "cambiar"})


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return plain.strip().strip(".!?¡¿,;:\"' ").upper()


def carrier_keyword(text: str) -> str | None:
    """Return "opt_out", "opt_in" or "help" when the whole message is such a keyword."""
    word = _folded(text)
    if word in OPT_OUT_KEYWORDS:
        return "opt_out"
    if word in OPT_IN_KEYWORDS:
        return "opt_in"
    if word in HELP_KEYWORDS:
        return "help"
    return None


def keyword_of(text: str) -> str:
    """Return the message as the keyword that was matched, such as "STOP"."""
    return _folded(text)[:16]


def reminder_reply(text: str) -> str | None:
    """Return confirmed, reschedule or cancel for a whole-message C, R or X."""
    return REMINDER_REPLIES.get(_folded(text))


def code_request(text: str) -> tuple[bool, str | None]:
    """Return (True, first name or None) for "CODE" or "CODE Sofia"; (False, None) otherwise."""
    word, _, rest = _folded(text).partition(" ")
    if word not in CODE_REQUESTS:
        return False, None
    return True, (rest.strip().title() or None)


def one_time_code(text: str) -> str | None:
    """Return the six digits when the whole message is a code such as 123456 or 123-456."""
    match = CODE_RE.match(text)
    return match.group(1) + match.group(2) if match else None


def yes_or_no(text: str) -> bool | None:
    """Return True for a plain yes, False for a plain no, None for anything else."""
    word = _folded(text)
    if word in YES_WORDS:
        return True
    return False if word in NO_WORDS else None


def is_wrong_number(text: str) -> bool:
    """Return True when the text says the number reached the wrong person."""
    return bool(WRONG_NUMBER_RE.search(text))


def looks_spanish(text: str) -> bool:
    """Guess whether an unverified texter writes Spanish, from a few common words."""
    words = set(re.findall(r"[a-záéíóúñü]+", text.lower()))
    return bool(words & SPANISH_HINTS) or any(char in text for char in "¿¡ñ")
