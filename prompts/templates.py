"""Patient-facing text and model prompts, loaded from versioned template files.

Patient text lives in `prompts/patient/<language>/*.json` (key to template) or `*.txt` (the file
name is the key). Templates use `str.format` fields. A language without a key falls back to
English, so a partial Spanish catalogue still produces whole replies.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent
DEFAULT_LANGUAGE = "en"


class TemplateError(KeyError):
    """A template key is missing in every catalogue, or a field it needs was not given."""


@lru_cache(maxsize=8)
def _catalogue(language: str) -> dict[str, str]:
    folder = PROMPTS_DIR / "patient" / language
    entries: dict[str, str] = {}
    if not folder.is_dir():
        return entries
    for path in sorted(folder.glob("*.json")):
        entries.update(json.loads(path.read_text(encoding="utf-8")))
    for path in sorted(folder.glob("*.txt")):
        entries[path.stem] = path.read_text(encoding="utf-8").strip()
    return entries


def has_language(language: str) -> bool:
    """Tell whether patient templates exist for `language`."""
    return bool(_catalogue(language))


def render(key: str, language: str = DEFAULT_LANGUAGE, **fields: object) -> str:
    """Render patient-facing template `key` in `language`, falling back to English."""
    template = _catalogue(language).get(key) or _catalogue(DEFAULT_LANGUAGE).get(key)
    if template is None:
        raise TemplateError(f"no patient template named {key!r}")
    try:
        return template.format(**fields)
    except KeyError as exc:
        raise TemplateError(f"template {key!r} needs field {exc.args[0]!r}") from exc


def system_prompt(name: str = "scheduling") -> tuple[str, str]:
    """Return (text, version) of the newest `prompts/system/<name>.v<N>.md` template."""
    candidates = sorted(
        (PROMPTS_DIR / "system").glob(f"{name}.v*.md"),
        key=lambda path: int(path.stem.rsplit(".v", 1)[1]),
    )
    if not candidates:
        raise TemplateError(f"no system prompt named {name!r}")
    newest = candidates[-1]
    version = newest.stem.rsplit(".", 1)[1]
    return newest.read_text(encoding="utf-8"), f"{name}.{version}"
