"""Word lists shared by the name recognizers: words that are never a name here, and name parts."""

from __future__ import annotations

import json
import re
from pathlib import Path

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

# Spanish-speaking patients write in Spanish; the English NER model tags such sentences as PERSON.
_SPANISH_SCHEDULING_WORDS = """
hola buenos buenas dias días tardes noches gracias favor porfa necesito necesita quiero quisiera
puedo puede podria podría cita citas turno consulta revisión revision chequeo examen limpieza
programar agendar reservar cambiar reprogramar mover cancelar anular confirmar lunes martes
miércoles miercoles jueves viernes sábado sabado domingo hoy mañana manana tarde noche semana mes
próximo proximo próxima proxima siguiente primera primero segunda segundo hora horas doctor doctora
médico medico clínica clinica disponible sí si ayuda persona alguien hablar
el la los las un una unos unas de del al y o que en para por con sin mi mis su sus tu tus es soy
estoy está esta este esto eso ese aquí ahí me te se le lo nos les como cuando donde qué cuál quién
muy más menos ya también pero porque tengo tiene hay
""".split()



NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v", "md", "phd", "esq"})
NAME_PARTICLES = frozenset(
    {"de", "del", "della", "der", "den", "di", "da", "dos", "du", "la", "le", "van", "von", "bin",
     "binti", "ibn", "al", "el", "mac", "st", "ter"}
)
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "sir", "madam"})


def _template_words() -> frozenset[str]:
    """Return the words of the product's own patient-facing templates in languages other than English.

    Replies are built from these templates, and the output filter must not read a word such as
    the Spanish "Disculpe" as a person's name.
    """
    words: set[str] = set()
    for path in sorted(PATIENT_TEMPLATES.glob("*/*.json")):
        if path.parent.name == "en":
            continue
        for template in json.loads(path.read_text(encoding="utf-8")).values():
            plain = re.sub(r"\{[^}]*\}", " ", template)
            words.update(word.lower() for word in re.findall(r"[^\W\d_]+", plain))
    return frozenset(words)


PATIENT_TEMPLATES = Path(__file__).resolve().parents[2] / "prompts" / "patient"

# Words of the product's own non-English templates. They are not part of COMMON_WORDS, because
# real surnames are everyday words too ("Ejemplo", "Cruz"); only the output filter uses them.
TEMPLATE_WORDS = frozenset(word for word in _template_words() if len(word) > 2)

_OTHER_LANGUAGE_WORDS = frozenset(word for word in _SPANISH_SCHEDULING_WORDS if word not in NAME_PARTICLES)

COMMON_WORDS = (
    frozenset(STOP_WORDS) | frozenset(_SCHEDULING_WORDS) | _OTHER_LANGUAGE_WORDS | frozenset({"i", "im", "u", "ur"})
)
