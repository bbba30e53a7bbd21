"""Wiring for the commands: the scheduling database, demo data, the store and the chat service."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from assistant.agent import ChatService
from assistant.audit import AuditLog, open_audit_log
from assistant.audit.access import security_event_sink
from assistant.config import AssistantSettings
from assistant.store import build_store
from scheduling.config import Settings as SchedulingSettings
from scheduling import events
from scheduling.db import is_empty, make_engine, make_session_factory, migrate
from scheduling.models import Patient
from scheduling.seed import seed_demo
from scheduling.security import issue_patient_token

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    """The pieces one process runs with."""

    settings: AssistantSettings
    scheduling: SchedulingSettings
    session_factory: object
    audit_log: AuditLog | None = None

    def seed_if_empty(self) -> None:
        """Create the demo clinic when the database has no organization yet."""
        with self.session_factory() as session:
            if is_empty(session):
                logger.info("the database is empty, so the demo clinic is being created")
                seed_demo(session, dt.date.today())

    def seed(self) -> list[dict]:
        """Create the demo clinic if missing and return its patients as plain records."""
        with self.session_factory() as session:
            patients = seed_demo(session, dt.date.today())
            return [patient_record(patient) for patient in patients]

    def patient_token(self, patient_id: int) -> str:
        """Sign a short-lived token for one patient, as the operator running the terminal chat."""
        with self.session_factory() as session:
            patient = session.get(Patient, patient_id)
            if patient is None:
                raise LookupError(f"no patient has id {patient_id}; run 'python -m assistant seed-demo --json' to list them")
            return issue_patient_token(patient.id, patient.organization_id, self.scheduling)

    def chat_service(self, api_url: str) -> ChatService:
        store = build_store(self.settings.redis_url, self.settings.conversation_ttl_seconds)
        return ChatService(self.settings, store, api_url, audit_log=self.audit_log)


def build_runtime(settings: AssistantSettings) -> Runtime:
    """Read the settings, migrate the databases, open the audit log and return the runtime.

    Security events of the scheduling API (sign-ins, role changes, exports) go to the audit log.
    """
    scheduling = SchedulingSettings()
    migrate(scheduling.database_url)
    engine = make_engine(scheduling.database_url)
    audit_log = open_audit_log()
    events.add_sink(security_event_sink(audit_log))
    return Runtime(
        settings=settings, scheduling=scheduling, session_factory=make_session_factory(engine), audit_log=audit_log
    )


def patient_record(patient: Patient) -> dict:
    return {
        "id": patient.id,
        "name": f"{patient.first_name} {patient.last_name}",
        "date_of_birth": patient.date_of_birth.isoformat(),
        "phone": patient.phone,
        "email": patient.email,
    }
