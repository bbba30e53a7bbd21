"""Whether a patient's message is a plain yes to the action the assistant summarised.

Booking, cancelling and rescheduling run only on a plain yes. A yes that also asks for a change
("yes but at Boston instead") or names a new date, time, provider or site is a change request,
and a hedge ("hmm not sure") is not a yes at all.
"""

from __future__ import annotations

import datetime as dt
import re

from assistant.engines.local.nlu.base import EXTRACTORS, Context
from assistant.engines.local.state import Lexicon
from assistant.engines.local.tracker import SLOT_KEYS

CHANGE_WORDS = re.compile(
    r"\b(?:but|instead|actually|rather|change|different|another|other|else|wait|except|unless)\b", re.IGNORECASE
)


def is_plain_yes(text: str, lexicon: Lexicon, now: dt.datetime) -> bool:
    """Return True only for a yes that asks for nothing else."""
    mentions = EXTRACTORS.run(text, Context(lexicon, now))
    answers = [mention.value for mention in mentions if mention.slot == "affirm"]
    if answers[:1] != [True] or CHANGE_WORDS.search(text):
        return False
    return not any(mention.slot in SLOT_KEYS for mention in mentions)


def is_plain_no(text: str, lexicon: Lexicon, now: dt.datetime) -> bool:
    """Return True for a no, with or without more words."""
    mentions = EXTRACTORS.run(text, Context(lexicon, now))
    answers = [mention.value for mention in mentions if mention.slot == "affirm"]
    return answers[:1] == [False]
