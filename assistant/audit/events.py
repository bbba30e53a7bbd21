"""Audit events: type, actor, subject, source and outcome of each audited action.

Callers build an `AuditEvent` and hand it to `AuditLog.append`. Fields named `details` are stored
in clear and must never hold PHI (ids, types, scores, counts and de-identified text only). Values
that are PHI go in `phi`, which the log encrypts per field before storing.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from typing import Any


class EventType(str, enum.Enum):
    """Every kind of audit event; the value is what the database and the stream store."""

    # Model interactions of one chat turn.
    MODEL_PROMPT = "model_prompt"
    MODEL_OUTPUT = "model_output"
    REPLY_DELIVERED = "reply_delivered"
    TOOL_CALL = "tool_call"
    GUARDRAIL_DECISION = "guardrail_decision"
    # Access and security.
    SIGN_IN = "sign_in"
    MFA = "mfa"
    SIGN_OUT = "sign_out"
    SESSION_TIMEOUT = "session_timeout"
    PATIENT_VIEWED = "patient_viewed"
    CONVERSATION_VIEWED = "conversation_viewed"
    EXPORT = "export"
    PERMISSION_CHANGED = "permission_changed"
    ROLE_CHANGED = "role_changed"
    BREAK_GLASS = "break_glass"
    RETENTION_PURGE = "retention_purge"
    CRYPTO_SHRED = "crypto_shred"
    CONFIG_CHANGED = "config_changed"
    APPOINTMENT_CHANGED = "appointment_changed"
    SECURITY_EVENT = "security_event"  # a producer's event with no more specific type
    ALERT = "alert"


class Outcome(str, enum.Enum):
    """Result of the audited action."""

    SUCCESS = "success"
    FAILURE = "failure"  # the request was refused: wrong password, unknown id, rate limit
    BLOCKED = "blocked"  # a guardrail or a policy stopped it on purpose
    ERROR = "error"  # the system failed while serving the request


@dataclass(frozen=True)
class EventSpec:
    """Fixed facts of an event type: its category, CRUDE action code and FHIR codings.

    `fhir_type` and `fhir_subtype` are (system, code, display) triples for AuditEvent.type and
    AuditEvent.subtype.
    """

    category: str
    action: str
    fhir_type: tuple[str, str, str]
    fhir_subtype: tuple[str, str, str] | None = None


DICOM = "http://dicom.nema.org/resources/ontology/DCM"
AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type"
LOCAL_SUBTYPE = "urn:clinic-assistant:audit-event-type"

_APPLICATION = (DICOM, "110100", "Application Activity")
_AUTHENTICATION = (DICOM, "110114", "User Authentication")
_PATIENT_RECORD = (DICOM, "110110", "Patient Record")
_EXPORT = (DICOM, "110106", "Export")
_SECURITY_ALERT = (DICOM, "110113", "Security Alert")
_SECURITY_ROLES = (DICOM, "110136", "Security Roles Changed")
_USER_ATTRIBUTES = (DICOM, "110137", "User Security Attributes Changed")
_REST = (AUDIT_EVENT_TYPE, "rest", "RESTful Operation")


def _local(event_type: str) -> tuple[str, str, str]:
    return (LOCAL_SUBTYPE, event_type, event_type.replace("_", " "))


EVENT_SPECS: dict[EventType, EventSpec] = {
    EventType.MODEL_PROMPT: EventSpec("model", "E", _APPLICATION, _local("model_prompt")),
    EventType.MODEL_OUTPUT: EventSpec("model", "E", _APPLICATION, _local("model_output")),
    EventType.REPLY_DELIVERED: EventSpec("model", "E", _APPLICATION, _local("reply_delivered")),
    EventType.TOOL_CALL: EventSpec("model", "E", _REST, _local("tool_call")),
    EventType.GUARDRAIL_DECISION: EventSpec("model", "E", _APPLICATION, _local("guardrail_decision")),
    EventType.SIGN_IN: EventSpec("access", "E", _AUTHENTICATION, (DICOM, "110122", "Login")),
    EventType.MFA: EventSpec("access", "E", _AUTHENTICATION, _local("mfa")),
    EventType.SIGN_OUT: EventSpec("access", "E", _AUTHENTICATION, (DICOM, "110123", "Logout")),
    EventType.SESSION_TIMEOUT: EventSpec("access", "E", _AUTHENTICATION, _local("session_timeout")),
    EventType.PATIENT_VIEWED: EventSpec("access", "R", _PATIENT_RECORD, _local("patient_viewed")),
    EventType.CONVERSATION_VIEWED: EventSpec("access", "R", _PATIENT_RECORD, _local("conversation_viewed")),
    EventType.EXPORT: EventSpec("access", "R", _EXPORT, _local("export")),
    EventType.PERMISSION_CHANGED: EventSpec("admin", "U", _USER_ATTRIBUTES, _local("permission_changed")),
    EventType.ROLE_CHANGED: EventSpec("admin", "U", _SECURITY_ROLES, _local("role_changed")),
    EventType.BREAK_GLASS: EventSpec("access", "E", _SECURITY_ALERT, _local("break_glass")),
    EventType.RETENTION_PURGE: EventSpec("admin", "D", _APPLICATION, _local("retention_purge")),
    EventType.CRYPTO_SHRED: EventSpec("admin", "D", _APPLICATION, _local("crypto_shred")),
    EventType.CONFIG_CHANGED: EventSpec("admin", "U", _APPLICATION, _local("config_changed")),
    EventType.APPOINTMENT_CHANGED: EventSpec("access", "U", _REST, _local("appointment_changed")),
    EventType.SECURITY_EVENT: EventSpec("access", "E", _APPLICATION, _local("security_event")),
    EventType.ALERT: EventSpec("alert", "E", _SECURITY_ALERT, _local("alert")),
}


def spec_of(event_type: EventType | str) -> EventSpec:
    """Return the fixed facts of `event_type`; raise ValueError for an unknown type."""
    return EVENT_SPECS[EventType(event_type)]


@dataclass(frozen=True)
class Actor:
    """Actor of an event: a staff member, a patient, or the system itself (`role="system"`)."""

    id: str
    role: str
    tenant: str | None = None
    site: str | None = None


SYSTEM_ACTOR = Actor(id="system", role="system")


@dataclass(frozen=True)
class Subject:
    """Records the event is about: patient, appointment and conversation ids, each optional."""

    patient_id: str | None = None
    appointment_id: str | None = None
    conversation_id: str | None = None


@dataclass(frozen=True)
class Source:
    """Origin of the request: address, user agent and method (channel: web, sms, cli, api, console)."""

    ip: str | None = None
    channel: str | None = None
    user_agent: str | None = None


PHI_CLASSES = ("transcript", "audit_payload")
"""Data classes of encrypted fields; each class has its own keys and retention period."""


@dataclass
class AuditEvent:
    """One event to append.

    `details` is stored in clear and must be JSON-serialisable without PHI. `phi` maps field
    names to JSON-serialisable values that are encrypted per field under the patient's data key
    of class `phi_class` ("transcript" or "audit_payload").
    """

    type: EventType
    actor: Actor
    subject: Subject = field(default_factory=Subject)
    source: Source = field(default_factory=Source)
    outcome: Outcome = Outcome.SUCCESS
    correlation_id: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    phi: dict[str, Any] = field(default_factory=dict)
    phi_class: str = "audit_payload"
    event_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def __post_init__(self) -> None:
        self.type = EventType(self.type)
        self.outcome = Outcome(self.outcome)
        if self.phi_class not in PHI_CLASSES:
            raise ValueError(f"phi_class is {self.phi_class!r}; use one of {', '.join(PHI_CLASSES)}")


def new_correlation_id() -> str:
    """Return a fresh id that ties the records of one chat turn or one request together."""
    return uuid.uuid4().hex
