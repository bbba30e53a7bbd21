"""Person names introduced by a cue: "my name is ...", "this is ...", "for my son ..."."""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from guardrails.recognizers.name_lexicon import fold, is_english_word, load_name_lexicon
from guardrails.recognizers.name_tokens import Token, adjacent, part_of_speech_by_offset, tokenize

_RELATIVES = (
    r"son|daughter|wife|husband|mom|mum|mother|dad|father|kid|child|partner|grandma|grandmother"
    r"|grandpa|grandfather|brother|sister|friend|neighbou?r|aunt|uncle|cousin|baby|boyfriend"
    r"|girlfriend|spouse|niece|nephew"
)
# After these cues the next word is taken as a name unless it is a common word.
_STRONG_CUES = re.compile(
    r"\b(?:my\s+name\s+is|my\s+names|my\s+name's|name\s*[:=-]|named|called|call\s+me|patient\s+name"
    r"|(?:first|last|full|legal)\s+name\s+is|signed|regards|sincerely|on\s+behalf\s+of|dependent|subscriber"
    r"|(?:" + _RELATIVES + r")(?:'s\s+name\s+is|\s+named|\s+is))[ \t]*[,:\-]?[ \t]*",
    re.IGNORECASE,
)
# After these cues the next word must also look like a name: in the lexicon, capitalised,
# or not an English word.
_WEAK_CUES = re.compile(
    r"\b(?:this\s+is(?:\s+for)?|i\s+am|i'm|im|it's|its|patient|thanks(?:\s+so\s+much)?|thank\s+you|thx"
    r"|(?:appointment|appt|booking|slot|anything|something|visit|openings?)\s+for|book|reschedule|contact|checking\s+on"
    r"|(?:my|our)\s+(?:" + _RELATIVES + r"))[ \t]*[,:\-]?[ \t]*",
    re.IGNORECASE,
)
_MAX_NAME_WORDS = 4


class PersonNameCueRecognizer(EntityRecognizer):
    """Find the one to four words after a cue that introduce a person, in any letter case."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["PERSON"], supported_language="en")

    def load(self) -> None:
        self.lexicon = load_name_lexicon()

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        cue_ends = {match.end(): True for match in _WEAK_CUES.finditer(text)}
        cue_ends.update({match.end(): True for match in _STRONG_CUES.finditer(text)})
        strong_ends = {match.end() for match in _STRONG_CUES.finditer(text)}
        if not cue_ends:
            return []
        tokens = tokenize(text, self.lexicon, part_of_speech_by_offset(nlp_artifacts))
        results = []
        index = 0
        while index < len(tokens):
            if tokens[index].start in cue_ends:
                strong_cue = tokens[index].start in strong_ends
                name = self._take_name(text, tokens[index:], strong_cue)
                if name:
                    results.append(RecognizerResult("PERSON", name[0].start, name[-1].end, 0.75))
                    index += len(name)
                    continue
            index += 1
        return results

    def _take_name(self, text: str, tokens: list[Token], strong_cue: bool) -> list[Token]:
        name: list[Token] = []
        for token in tokens[:_MAX_NAME_WORDS]:
            if name and not adjacent(text, name[-1], token):
                break
            if token.role in {"initial", "suffix", "particle"} and name:
                name.append(token)
            elif self._looks_like_name(token, strong_cue or bool(name)):
                name.append(token)
            else:
                break
        while name and name[-1].role == "particle":
            name.pop()
        return name

    def _looks_like_name(self, token: Token, lenient: bool) -> bool:
        """Accept a name word; ``lenient`` (after a strong cue) also accepts capitalised words."""
        if token.role in {"strong", "cap", "unknown"}:
            return True
        if token.role == "weak":
            return lenient or token.capitalised
        if token.role != "other" or len(token.text) < 2:
            return False
        if not is_english_word(fold(token.text)):
            return True
        return lenient and token.capitalised
