"""Patient-facing replies of the rails and the output filter, from the shared template catalogue.

The templates live in `prompts/patient/<language>/rails.json` beside the booking replies, so one
catalogue serves every language and a missing key falls back to English.
"""

from __future__ import annotations

from prompts.templates import DEFAULT_LANGUAGE
from prompts.templates import render as render_template


def render(key: str, language: str = DEFAULT_LANGUAGE, **values: str) -> str:
    """Fill template `key` in `language`; raise KeyError naming the key when it does not exist."""
    return render_template(key, language, **values)
