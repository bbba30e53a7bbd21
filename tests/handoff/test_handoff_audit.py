"""A hand-off's escalation, staff views and replies end up in the audit log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.audit import open_audit_log, trusted_keys, verify_log
from assistant.audit.access import security_event_sink
from assistant.audit.query import AuditFilter, AuditQuery
from assistant.audit.settings import AuditSettings
from scheduling import events
from tests.handoff.test_staff_api import FRONT_DESK, escalate, get, post, queue_entry


@pytest.fixture
def audit_log(tmp_path: Path):
    settings = AuditSettings(
        AUDIT_DATABASE_URL=f"sqlite:///{tmp_path / 'audit.sqlite3'}",
        CLINIC_DATA_DIR=tmp_path,
        AUDIT_STREAM="off",
    )
    log = open_audit_log(settings)
    remove = events.add_sink(security_event_sink(log))
    yield log, settings
    remove()
    log.engine.dispose()


def test_handoff_is_audited(handoff_server, open_patient_chat, audit_log):
    log, settings = audit_log
    chat = open_patient_chat(0)
    escalate(chat)
    token = handoff_server.staff_token(FRONT_DESK)
    escalation = queue_entry(handoff_server, token, chat.conversation_id)
    post(handoff_server, f"/api/staff/escalations/{escalation['id']}/claim", token)
    get(handoff_server, f"/api/staff/conversations/{chat.conversation_id}", token)
    post(handoff_server, f"/api/staff/conversations/{chat.conversation_id}/messages", token, json={"text": "Hello"})

    records = AuditQuery(log).search(AuditFilter(), limit=500)
    kinds = {json.loads(record.details).get("source_event") for record in records}

    for expected in ("handoff.escalation_opened", "handoff.claimed", "handoff.transcript_viewed", "handoff.reply_sent"):
        assert expected in kinds, f"{expected} is not in the audit log"
    assert verify_log(log.engine, trusted_keys(settings)).ok
