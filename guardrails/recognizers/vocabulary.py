"""Word lists shared by the name recognizers: words that are never a name here, and name parts."""

from __future__ import annotations

from spacy.lang.en.stop_words import STOP_WORDS

_SCHEDULING_WORDS = """
monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
today tonight tomorrow tmrw tmr tmw yesterday morning afternoon evening night noon midnight week
weekend month year day days weeks months am pm next last this earliest latest soon asap early late
appointment appointments appt appts visit visits slot slots booking book booked rebook reschedule
rescheduled cancel cancelled canceled cancellation confirm confirmed confirmation available
availability open opening time times schedule scheduled doctor doctors dr doc provider clinic office
site location checkup check-up physical followup follow-up consult consultation exam screening
annual new patient patients please pls plz thanks thank thx ty hi hello hey yes yeah yep no nope ok
okay sure great good fine perfect sorry help need want would like could can wanna gonna lemme
insurance copay portal link text call phone email message reply hold wait anytime sometime earlier
later instead actually also still just only maybe either neither both first second third fourth
one two three four five six seven eight nine ten eleven twelve half quarter o'clock oclock
son daughter wife husband mom mum mother dad father kid kids child children baby partner
grandma grandmother grandpa grandfather brother sister friend neighbor neighbour aunt uncle
cousin boyfriend girlfriend spouse caregiver guardian self myself
name named called dob birthday born number id member min mins hr hrs sec long
english spanish french chinese mandarin cantonese vietnamese korean arabic russian portuguese
haitian creole tagalog polish hindi
""".split()

# Given names that are also everyday words, so a lone lower-case one is not a name.
AMBIGUOUS_GIVEN_NAMES = frozenset(
    """
    will may june april august mark bill grace hope joy faith rose summer dawn sunny art chase drew
    pat sue rich rob gene guy jack ray sky don dee les jean bob max page carol holly ivy lily iris
    ruby pearl amber crystal destiny precious honey candy star autumn winter spring major king
    judge deacon early young love sandy rusty buddy glen dale wade lane ward miles jewel happy
    """.split()
)

COMMON_WORDS = frozenset(STOP_WORDS) | frozenset(_SCHEDULING_WORDS) | frozenset({"i", "im", "u", "ur"})

NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v", "md", "phd", "esq"})
NAME_PARTICLES = frozenset(
    {"de", "del", "della", "der", "den", "di", "da", "dos", "du", "la", "le", "van", "von", "bin",
     "binti", "ibn", "al", "el", "mac", "st", "ter"}
)
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "sir", "madam"})
