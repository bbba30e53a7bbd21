"""Mapping of audit records onto FHIR R4 AuditEvent resources and a collection Bundle.

AuditEvent.type and subtype use DICOM codes (http://dicom.nema.org/resources/ontology/DCM) or
the local code system of `events.LOCAL_SUBTYPE`. The outcome is 0 (success), 4 (minor failure:
a refused or blocked request) or 8 (serious failure: a system error). agent.network.type is 2
(IP address) and source.type is 4 (application server). The record's hashes travel as entity details, and
the encrypted payload is never exported.
"""

from __future__ import annotations

from typing import Any

from assistant.audit.events import spec_of
from assistant.audit.records import AuditRecord

OUTCOME_CODES = {"success": "0", "failure": "4", "blocked": "4", "error": "8"}
ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role"
SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type"
LOCAL_IDS = "urn:clinic-assistant"
OBSERVER = "clinic-assistant"


def to_audit_event(record: AuditRecord) -> dict[str, Any]:
    """Return the FHIR R4 AuditEvent JSON of one record."""
    spec = spec_of(record.event_type)
    system, code, display = spec.fhir_type
    event: dict[str, Any] = {
        "resourceType": "AuditEvent",
        "id": record.event_id,
        "type": {"system": system, "code": code, "display": display},
        "action": record.action,
        "recorded": record.recorded_at,
        "outcome": OUTCOME_CODES.get(record.outcome, "8"),
        "outcomeDesc": record.outcome,
        "agent": [_agent(record)],
        "source": {
            "site": record.site_id or record.tenant_id or OBSERVER,
            "observer": {"display": OBSERVER},
            "type": [{"system": SOURCE_TYPE, "code": "4", "display": "Application Server"}],
        },
        "entity": _entities(record),
    }
    if spec.fhir_subtype:
        system, code, display = spec.fhir_subtype
        event["subtype"] = [{"system": system, "code": code, "display": display}]
    return event


def to_bundle(records: list[AuditRecord]) -> dict[str, Any]:
    """Return a FHIR R4 Bundle of type "collection" holding one AuditEvent per record."""
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "total": len(records),
        "entry": [{"fullUrl": f"urn:uuid:{record.event_id}", "resource": to_audit_event(record)}
                  for record in records],
    }


def _agent(record: AuditRecord) -> dict[str, Any]:
    agent: dict[str, Any] = {
        "who": {"identifier": {"system": f"{LOCAL_IDS}:actor", "value": record.actor_id}},
        "requestor": record.actor_role != "system",
        "role": [{"text": record.actor_role}],
    }
    if record.source_ip:
        agent["network"] = {"address": record.source_ip, "type": "2"}
    if record.source_channel or record.user_agent:
        agent["policy"] = [value for value in (f"channel:{record.source_channel}" if record.source_channel else None,
                                               f"user-agent:{record.user_agent}" if record.user_agent else None)
                           if value]
    return agent


def _entities(record: AuditRecord) -> list[dict[str, Any]]:
    entities = []
    if record.patient_id:
        entities.append({
            "what": {"reference": f"Patient/{record.patient_id}"},
            "type": {"system": ENTITY_TYPE, "code": "1", "display": "Person"},
            "role": {"system": OBJECT_ROLE, "code": "1", "display": "Patient"},
        })
    if record.appointment_id:
        entities.append({
            "what": {"reference": f"Appointment/{record.appointment_id}"},
            "type": {"system": ENTITY_TYPE, "code": "2", "display": "System Object"},
        })
    if record.conversation_id:
        entities.append({
            "what": {"identifier": {"system": f"{LOCAL_IDS}:conversation", "value": record.conversation_id}},
            "type": {"system": ENTITY_TYPE, "code": "2", "display": "System Object"},
        })
    details = [
        {"type": "seq", "valueString": str(record.seq)},
        {"type": "prev_hash", "valueString": record.prev_hash},
        {"type": "record_hash", "valueString": record.record_hash},
        {"type": "event_type", "valueString": record.event_type},
    ]
    if record.correlation_id:
        # FHIR strings must not be empty, so a record without a correlation id has no such detail.
        details.append({"type": "correlation_id", "valueString": record.correlation_id})
    entities.append({
        "what": {"identifier": {"system": f"{LOCAL_IDS}:audit-record", "value": str(record.seq)}},
        "type": {"system": ENTITY_TYPE, "code": "4", "display": "Other"},
        "detail": details,
    })
    return entities
