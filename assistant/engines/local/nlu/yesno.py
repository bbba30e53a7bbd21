"""Yes/no extractor: whether the patient agrees with what the assistant proposed or asked."""

from __future__ import annotations

import re

from assistant.engines.local.nlu.base import EXTRACTORS, Context, Mention, compile_pattern, mention

YES = compile_pattern(r"""
    yes(?:\s+please)?|y|yep|yup|yeah|ya|yea|sure(?:\s+thing)?|ok|okay|k|alright|all\s+right
    |sounds\s+(?:good|great|perfect|fine)|that\s+(?:works|is\s+fine|sounds\s+good|would\s+be\s+(?:great|fine|good))
    |(?:that|it)(?:'s|\s+is)\s+(?:fine|good|great|perfect|right|correct)|works\s+for\s+me|please\s+do
    |works|correct|right|exactly|absolutely|definitely|of\s+course|go\s+ahead|perfect|great|fine|affirmative
    |do\s+it|book\s+it|let'?s\s+do\s+(?:it|that)|i\s+do|please\s+proceed|proceed
""")
NO = compile_pattern(r"""
    no(?:\s+thanks?(?:\s+you)?)?|n|nope|nah|not\s+really|not\s+quite|don'?t|do\s+not|no\s+way
    |(?:that|it)(?:'s|\s+is)\s+(?:wrong|not\s+right|incorrect)|incorrect|wrong|negative|never\s+mind
""")
NOT_REFUSALS = re.compile(r"don'?t\s+(?:mind|care)|do\s+not\s+(?:mind|care)", re.IGNORECASE)
# Hedges are neither yes nor no: "hmm not sure", "maybe", "I don't know" must never confirm.
HEDGE = compile_pattern(r"""
    not\s+(?:so\s+|too\s+|really\s+|quite\s+)?(?:sure|certain|ok|okay|good|great|fine|right|correct|yet)
    |unsure|maybe|perhaps|possibly|probably|i\s+(?:don'?t|do\s+not)\s+know|dunno|idk|hmm+|let\s+me\s+think
    |i'?ll\s+think|not\s+sure|no\s+idea|can'?t\s+decide
""")


@EXTRACTORS.register("yesno")
def extract_yes_no(text: str, context: Context) -> list[Mention]:
    """Return one `affirm` mention (True or False) for the first yes or no in the text, if any.

    A hedge ("not sure", "maybe") anywhere in the text means neither, so it returns nothing.
    """
    if HEDGE.search(text):
        return []
    found = []
    for pattern, value in ((YES, True), (NO, False)):
        for match in pattern.finditer(text):
            if value is False and NOT_REFUSALS.match(text, match.start()):
                continue
            found.append(mention("affirm", value, match))
    if not found:
        return []
    return [min(found, key=lambda m: (m.start, -(m.end - m.start)))]
