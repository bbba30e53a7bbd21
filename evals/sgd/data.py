"""Reading and writing SGD dialogue files (one JSON record per line) and the service schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

APPOINTMENT_SERVICES = ("Services_1", "Services_2", "Services_3", "Services_4")
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DIR = REPO_ROOT.parent / "shared" / "data" / "sgd"
DEFAULT_DATA = DEFAULT_DIR / "appointments_dev.jsonl"
SCHEMA_FILE = "schemas_appointment_services.json"


class DataError(Exception):
    """An input file that is missing or not in the expected format."""


def read_dialogues(path: Path) -> Iterator[dict]:
    """Yield each dialogue record of a JSON-lines file; raise DataError on a bad line."""
    if not path.is_file():
        raise DataError(f"data file not found: {path}")
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise DataError(f"{path}:{number}: invalid JSON ({error.msg})") from None
            if not isinstance(record, dict) or not isinstance(record.get("turns"), list):
                raise DataError(f"{path}:{number}: record has no 'turns' list")
            yield record


def write_dialogues(path: Path, records: Iterable[dict]) -> int:
    """Write records as JSON lines and return how many were written."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def load_schemas(directory: Path = DEFAULT_DIR) -> dict[str, dict]:
    """Return the appointment-service schemas keyed by service name.

    The schema file ships with the data; when it is absent, `FALLBACK_SCHEMAS` (slot names and
    categorical flags of the four services) is used so that scoring still works.
    """
    path = directory / SCHEMA_FILE
    if path.is_file():
        return {s["service_name"]: s for s in json.loads(path.read_text(encoding="utf-8"))}
    return FALLBACK_SCHEMAS


def _schema(name: str, slots: dict[str, bool]) -> dict:
    return {"service_name": name, "slots": [{"name": s, "is_categorical": c} for s, c in slots.items()]}


_COMMON = {"phone_number": False, "city": False, "appointment_date": False, "appointment_time": False}
FALLBACK_SCHEMAS = {
    "Services_1": _schema("Services_1", {"stylist_name": False, "average_rating": False, "is_unisex": True, "street_address": False, **_COMMON}),
    "Services_2": _schema("Services_2", {"dentist_name": False, "address": False, "offers_cosmetic_services": True, **_COMMON}),
    "Services_3": _schema("Services_3", {"doctor_name": False, "average_rating": False, "street_address": False, "type": True, **_COMMON}),
    "Services_4": _schema("Services_4", {"therapist_name": False, "address": False, "type": True, **_COMMON}),
}
