"""Tamper-evident audit log: hash-chained, signed, append-only records with encrypted PHI fields.

Typical use::

    log = open_audit_log()
    log.append(AuditEvent(EventType.PATIENT_VIEWED, Actor("staff-7", "front_desk", "org-1", "site-2"),
                          Subject(patient_id="17"), Source(ip="10.0.0.5", channel="console")))
"""

from assistant.audit.events import (
    SYSTEM_ACTOR,
    Actor,
    AuditEvent,
    EventType,
    Outcome,
    Source,
    Subject,
    new_correlation_id,
)
from assistant.audit.factory import open_audit_log, trusted_keys
from assistant.audit.log import AuditLog
from assistant.audit.records import AuditRecord
from assistant.audit.verify import Tampering, VerificationReport, verify_log

__all__ = [
    "SYSTEM_ACTOR", "Actor", "AuditEvent", "AuditLog", "AuditRecord", "EventType", "Outcome",
    "Source", "Subject", "Tampering", "VerificationReport", "new_correlation_id", "open_audit_log",
    "trusted_keys", "verify_log",
]
