"""Export of audit records as CSV, JSON lines or a FHIR AuditEvent bundle; every export is audited.

Exports carry the clear columns and hashes only. Encrypted payloads are never exported, and the
column `has_payload` shows whether a record has one. After the file is built, an `export`
record with the format, the count and the search criteria is appended, so a bulk export also
raises the bulk-export alert.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Literal

from assistant.audit.events import Actor, AuditEvent, EventType, Source, Subject
from assistant.audit.fhir import to_bundle
from assistant.audit.query import AuditFilter, AuditQuery
from assistant.audit.records import AuditRecord

ExportFormat = Literal["csv", "json", "fhir"]
CSV_COLUMNS = (
    "seq", "event_id", "recorded_at", "event_type", "action", "outcome", "actor_id", "actor_role",
    "tenant_id", "site_id", "patient_id", "appointment_id", "conversation_id", "source_ip",
    "source_channel", "user_agent", "correlation_id", "details", "has_payload", "prev_hash", "record_hash",
)


def export_records(query: AuditQuery, criteria: AuditFilter, export_format: ExportFormat, *,
                   actor: Actor, source: Source) -> str:
    """Return the matching records in `export_format` and record the export.

    Raises ValueError for an unknown format; nothing is recorded then.
    """
    if export_format not in ("csv", "json", "fhir"):
        raise ValueError(f"export format {export_format!r} is unknown; use csv, json or fhir")
    found = list(query.iter_search(criteria))
    if export_format == "csv":
        body = _csv(found)
    elif export_format == "json":
        body = "".join(json.dumps(_row(record), sort_keys=True) + "\n" for record in found)
    else:
        body = json.dumps(to_bundle(found), sort_keys=True)

    query.log.append(AuditEvent(
        EventType.EXPORT, actor,
        Subject(patient_id=criteria.patient_id, conversation_id=criteria.conversation_id),
        source,
        details={"kind": "audit_log", "format": export_format, "record_count": len(found),
                 "criteria": criteria.to_details()},
    ))
    return body


def _row(record: AuditRecord) -> dict:
    data = record.to_dict()
    data.pop("payload")
    data["has_payload"] = record.has_payload
    return data


def _csv(found: list[AuditRecord]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for record in found:
        row = _row(record)
        row["details"] = record.details
        writer.writerow({column: row[column] for column in CSV_COLUMNS})
    return buffer.getvalue()
