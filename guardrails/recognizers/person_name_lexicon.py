"""Person names found through the name lexicon, whatever their case."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from guardrails.recognizers.name_lexicon import load_name_lexicon
from guardrails.recognizers.name_tokens import Token, adjacent, part_of_speech_by_offset, tokenize

_NAME_ROLES = {"strong", "weak", "cap", "unknown", "initial", "suffix", "particle"}


class PersonNameLexiconRecognizer(EntityRecognizer):
    """Find runs of name-like words: "maria garcia", "JOHN O'BRIEN JR.", "Nguyen Van An".

    A run is reported when it contains a strong lexicon name, or a weak one next to another
    name part or after an honorific ("Mrs. Brown"). spaCy's NER misses many such names when
    they are typed in lower case or all capitals.
    """

    def __init__(self) -> None:
        super().__init__(supported_entities=["PERSON"], supported_language="en")

    def load(self) -> None:
        self.lexicon = load_name_lexicon()

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = []
        for run, after_honorific in _runs(text, tokenize(text, self.lexicon, part_of_speech_by_offset(nlp_artifacts))):
            run = _trim(run)
            if run and _qualifies(run, after_honorific):
                results.append(RecognizerResult("PERSON", run[0].start, run[-1].end, 0.7))
        return results


def _runs(text: str, tokens: list[Token]) -> list[tuple[list[Token], bool]]:
    runs: list[tuple[list[Token], bool]] = []
    current: list[Token] = []
    after_honorific = False
    previous: Token | None = None
    for token in tokens:
        joined = previous is not None and adjacent(text, previous, token)
        if token.role in _NAME_ROLES and (joined or not current):
            if not current:
                after_honorific = previous is not None and previous.role == "honorific" and joined
            current.append(token)
        else:
            if current:
                runs.append((current, after_honorific))
            current = []
            if token.role in _NAME_ROLES:
                after_honorific = previous is not None and previous.role == "honorific" and joined
                current = [token]
        previous = token
    if current:
        runs.append((current, after_honorific))
    return runs


def _trim(run: list[Token]) -> list[Token]:
    while run and run[0].role in {"particle", "suffix"}:
        run = run[1:]
    while run and run[-1].role == "particle":
        run = run[:-1]
    return run


def _qualifies(run: list[Token], after_honorific: bool) -> bool:
    """Return True when ``run`` has a strong name part, or enough weaker evidence together.

    Unknown words (not English, not in the lexicon) only extend a run, except that two or more
    capitalised ones together ("Aroha Ngata") count as a name.
    """
    roles = [token.role for token in run]
    if "strong" in roles:
        return True
    if after_honorific and any(role in {"weak", "cap", "unknown"} for role in roles):
        return True
    name_parts = sum(role in {"weak", "cap", "initial", "unknown"} for role in roles)
    if "weak" in roles and name_parts >= 2:
        return any(token.capitalised for token in run)
    capitalised_unknown = [t for t in run if t.role in {"cap", "unknown"} and t.capitalised]
    return len(capitalised_unknown) >= 2
