"""JSON Lines input and output shared by the guardrail evaluations."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path


class JsonlError(ValueError):
    """Raised for a line that is not a JSON object with the required fields."""


def read_rows(path: Path, required: tuple[str, ...] = ("id", "text")) -> Iterator[dict]:
    """Yield each non-empty line of ``path`` as a dict; JsonlError names the line that is invalid."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise JsonlError(f"{path}:{number}: invalid JSON ({error.msg})") from None
            missing = [key for key in required if not isinstance(row, dict) or key not in row]
            if missing:
                raise JsonlError(f"{path}:{number}: missing field(s) {', '.join(missing)}")
            yield row


def write_rows(path: Path, rows: Iterable[dict]) -> int:
    """Write ``rows`` as JSON Lines and return how many were written."""
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count
