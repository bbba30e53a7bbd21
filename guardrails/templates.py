"""Patient-facing reply templates, one JSON file per language under ``prompts/patient/``."""

from __future__ import annotations

import functools
import json
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "prompts" / "patient"
DEFAULT_LANGUAGE = "en"


@functools.lru_cache(maxsize=8)
def load_templates(language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """Return the templates of ``language``, falling back to English keys it lacks.

    Raises FileNotFoundError when the English file is missing.
    """
    templates = json.loads((TEMPLATE_DIR / f"{DEFAULT_LANGUAGE}.json").read_text(encoding="utf-8"))
    localized = TEMPLATE_DIR / f"{language}.json"
    if language != DEFAULT_LANGUAGE and localized.exists():
        templates.update(json.loads(localized.read_text(encoding="utf-8")))
    return templates


def render(key: str, language: str = DEFAULT_LANGUAGE, **values: str) -> str:
    """Fill template ``key``; raises KeyError naming the key when it does not exist."""
    templates = load_templates(language)
    if key not in templates:
        raise KeyError(f"patient template {key!r} not found in {TEMPLATE_DIR}")
    return templates[key].format(**values)
