"""The stored form of an audit record, as queries and the stream see it."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from assistant.audit.canonical import RECORD_FIELDS


@dataclass(frozen=True)
class AuditRecord:
    """One row of `audit_records`. `details` and `payload` are the stored canonical JSON text."""

    seq: int
    event_id: str
    recorded_at: str
    event_type: str
    action: str
    outcome: str
    actor_id: str
    actor_role: str
    tenant_id: str | None
    site_id: str | None
    patient_id: str | None
    appointment_id: str | None
    conversation_id: str | None
    source_ip: str | None
    source_channel: str | None
    user_agent: str | None
    correlation_id: str | None
    details: str
    payload: str | None
    prev_hash: str
    record_hash: str

    @classmethod
    def from_row(cls, row: Any) -> AuditRecord:
        """Build a record from a SQLAlchemy row or mapping of `audit_records`."""
        mapping = row._mapping if hasattr(row, "_mapping") else row
        return cls(**{name: mapping[name] for name in (*RECORD_FIELDS, "record_hash")})

    @property
    def details_dict(self) -> dict[str, Any]:
        return json.loads(self.details)

    @property
    def has_payload(self) -> bool:
        return bool(self.payload)

    def to_dict(self) -> dict[str, Any]:
        """Return every column, with `details` parsed; the sealed payload stays sealed text."""
        data = asdict(self)
        data["details"] = self.details_dict
        return data
