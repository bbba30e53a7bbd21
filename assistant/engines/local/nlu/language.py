"""Language-hint extractor: a cheap guess at the language of a patient turn.

The tracker's patterns are English. When a turn is written in another language the policy can
answer in it or offer a person, so this extractor yields a `language` mention with an ISO 639-1
code. Latin-script languages are told apart by common function words and greetings from the
hand-written lists in `MARKERS`, other scripts by the Unicode names of their letters. No model
is loaded.

A turn gets a hint only when it shows one clearly: at least `MIN_MARKERS` marker words of one
language and more of them than of any other (one strong word such as "hola" is enough), or a
majority of letters in one non-Latin script. Short replies ("ok", "3pm") get none.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from assistant.engines.local.nlu.base import EXTRACTORS, Context, Mention

MIN_MARKERS = 2
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
MARKERS = {
    "en": frozenset("""
        i i'm i'd me my you your the a an to is are can could would want need like please with
        for on at and appointment book cancel next this what when where how do have thanks
    """.split()),
    "es": frozenset("""
        hola necesito quiero quisiera cita citas una para por favor gracias buenos buenas días
        dias tardes noches mañana semana próxima proxima lunes martes miércoles miercoles jueves
        viernes sábado sabado domingo médico medico doctora cancelar cambiar puedo tengo estoy
        ayuda hablar español espanol con el la los las mi que qué cuándo cuando dónde donde
        está hay sí también pero usted ustedes nuevo nueva hacer
    """.split()),
    "fr": frozenset("""
        bonjour salut je voudrais besoin rendez vous merci médecin semaine prochaine
        demain annuler pouvez puis suis avec pour une le les mon ma est pas oui s'il plaît
    """.split()),
    "pt": frozenset("""
        olá ola preciso quero gostaria consulta marcar obrigado obrigada médico semana próxima
        amanhã cancelar você posso estou uma para com não sim meu minha
    """.split()),
}
# One of these words alone is enough for a hint.
STRONG_MARKERS = {
    "es": frozenset("hola necesito quiero quisiera cita gracias español espanol buenos buenas".split()),
    "fr": frozenset("bonjour voudrais rendez merci".split()),
    "pt": frozenset("olá preciso gostaria obrigado obrigada".split()),
}
# The first word of a letter's Unicode name, for scripts whose language is then the likeliest.
# NOTE: a script names the likeliest language only: Cyrillic text may be Ukrainian, not Russian.
SCRIPTS = {
    "CJK": "zh", "HIRAGANA": "ja", "KATAKANA": "ja", "HANGUL": "ko", "CYRILLIC": "ru",
    "ARABIC": "ar", "HEBREW": "he", "DEVANAGARI": "hi", "GREEK": "el", "THAI": "th",
}


def _script_language(text: str) -> str | None:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return None
    scripts = Counter(unicodedata.name(ch, "UNKNOWN").split()[0] for ch in letters)
    script, count = scripts.most_common(1)[0]
    if script in SCRIPTS and count * 2 > len(letters):
        return SCRIPTS[script]
    return None


def detect_language(text: str) -> str | None:
    """Return the ISO 639-1 code of the language `text` is clearly written in, else None."""
    by_script = _script_language(text)
    if by_script is not None:
        return by_script
    words = [word.lower() for word in WORD.findall(text)]
    counts = {code: sum(word in markers for word in words) for code, markers in MARKERS.items()}
    best = max(counts, key=lambda code: counts[code])
    if list(counts.values()).count(counts[best]) > 1:
        return None
    strong = any(word in STRONG_MARKERS.get(best, ()) for word in words)
    return best if counts[best] >= MIN_MARKERS or strong else None


@EXTRACTORS.register("language")
def extract_language(text: str, context: Context) -> list[Mention]:
    """Return one `language` mention over the whole text when its language is clear."""
    code = detect_language(text)
    return [Mention("language", code, 0, len(text), text)] if code else []
