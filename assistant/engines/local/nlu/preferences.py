"""Search-preference extractor: the patient wants the soonest opening ("first available", "asap").

It yields an `earliest` slot mention with value True, so the policy can sort openings by start
time and offer the first ones.
"""

from __future__ import annotations

from assistant.engines.local.nlu.base import EXTRACTORS, Context, Mention, compile_pattern, mention

EARLIEST = compile_pattern(r"""
    (?:the\s+)?(?:earliest|soonest|first|next)\s+(?:available|possible|opening|open\s+(?:slot|time|spot|appointment))
    |(?:the\s+)?(?:earliest|soonest)(?:\s+(?:one|slot|time|appointment|date|day|opening|you\s+have|possible))?
    |as\s+soon\s+as\s+(?:possible|you\s+can|i\s+can)|a\.?s\.?a\.?p\.?|at\s+your\s+earliest(?:\s+convenience)?
""")


@EXTRACTORS.register("preferences")
def extract_preferences(text: str, context: Context) -> list[Mention]:
    """Return one `earliest` mention (True) when the text requests the soonest opening."""
    match = EARLIEST.search(text)
    return [mention("earliest", True, match)] if match else []
