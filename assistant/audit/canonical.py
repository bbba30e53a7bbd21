"""Canonical serialisation and the hash chain.

A record's canonical form is a JSON object of the fields in RECORD_FIELDS, keys sorted, no
whitespace (separators "," and ":"), non-ASCII characters written as themselves, encoded as UTF-8.
`seq` is an integer; every other field is a string or null. `details` and `payload` are embedded
as strings holding their own canonical JSON, so the stored text is hashed exactly as stored.
`recorded_at` is UTC with microseconds, `YYYY-MM-DDTHH:MM:SS.ffffffZ`.

    record_hash = hex(SHA-256(canonical form, which includes prev_hash))

The first record's `prev_hash` is GENESIS_HASH. `record_hash` itself is not part of the form.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from json import encoder as _json_encoder
from typing import Any

GENESIS_HASH = "0" * 64

RECORD_FIELDS: tuple[str, ...] = tuple(sorted((
    "action", "actor_id", "actor_role", "appointment_id", "conversation_id", "correlation_id",
    "details", "event_id", "event_type", "outcome", "patient_id", "payload", "prev_hash",
    "recorded_at", "seq", "site_id", "source_channel", "source_ip", "tenant_id", "user_agent",
)))
"""Fields covered by the hash, in canonical (sorted) order."""

_SEQ_INDEX = RECORD_FIELDS.index("seq")

# The C encoder with the canonical settings. Keys are already in sorted order, so it need not sort.
_encode_fields = _json_encoder.c_make_encoder(  # type: ignore[attr-defined]
    None, None, _json_encoder.encode_basestring, None, ":", ",", False, False, False,
) if _json_encoder.c_make_encoder is not None else None  # type: ignore[attr-defined]


def canonical_encoder():
    """Return a function mapping a dict whose keys are in RECORD_FIELDS order to canonical JSON chunks.

    It is the C encoder of the json module when available, else a slower equivalent.
    """
    if _encode_fields is not None:
        return _encode_fields
    return lambda mapping, _level: [canonical_json(mapping)]


def canonical_json(value: Any) -> str:
    """Serialise `value` as canonical JSON text: sorted keys, no whitespace, no NaN.

    Raises TypeError for values JSON cannot represent and ValueError for NaN or infinity.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def format_time(moment: dt.datetime) -> str:
    """Format an aware datetime as the fixed-width UTC text used in records."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given; pass an aware datetime")
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> dt.datetime:
    """Parse the record time format back into an aware UTC datetime."""
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)


def record_canonical(values: Mapping[str, Any]) -> bytes:
    """Return the canonical bytes of a record given as a mapping with every RECORD_FIELDS key."""
    return canonical_json({name: values[name] for name in RECORD_FIELDS}).encode("utf-8")


def record_hash(values: Mapping[str, Any]) -> str:
    """Return the chain hash of a record mapping (see the module docstring)."""
    return hashlib.sha256(record_canonical(values)).hexdigest()


def row_hash(row: Sequence[Any], seq: int | None = None) -> str:
    """Return the chain hash of a row whose values are in RECORD_FIELDS order.

    The fast path of verification. `seq` replaces the row's own sequence number, which lets the
    verifier test whether a row was moved from another position.
    """
    if seq is not None:
        row = list(row)
        row[_SEQ_INDEX] = seq
    mapping = dict(zip(RECORD_FIELDS, row))
    if _encode_fields is None:
        return record_hash(mapping)
    return hashlib.sha256("".join(_encode_fields(mapping, 0)).encode("utf-8")).hexdigest()
