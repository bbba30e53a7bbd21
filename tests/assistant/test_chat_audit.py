"""A booking chat leaves a complete, verifiable audit trail with no PHI in the stream."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.agent import ChatService
from assistant.audit import open_audit_log, trusted_keys, verify_log
from assistant.audit.query import AuditFilter, AuditQuery
from assistant.audit.settings import AuditSettings
from assistant.config import AssistantSettings
from assistant.store import MemoryStore
from tests.assistant.conftest import Chat, seeded_identifiers


@pytest.fixture
def audited(scheduling_server, tmp_path: Path):
    settings = AuditSettings(
        AUDIT_DATABASE_URL=f"sqlite:///{tmp_path / 'audit.sqlite3'}",
        CLINIC_DATA_DIR=tmp_path,
        AUDIT_STREAM=f"file:{tmp_path / 'stream.jsonl'}",
    )
    log = open_audit_log(settings)
    service = ChatService(
        AssistantSettings(ENGINE="local", CLINIC_DATA_DIR=tmp_path), MemoryStore(600), scheduling_server.base_url, audit_log=log
    )
    yield Chat(service, scheduling_server, scheduling_server.patients[0]), log, settings, tmp_path
    log.engine.dispose()


def test_booking_turns_are_audited(audited):
    chat, log, settings, _ = audited
    chat.say("I need a checkup next Tuesday morning")
    chat.say("the second one")
    chat.say("yes")

    records = AuditQuery(log).search(AuditFilter(conversation_id=chat.conversation_id), limit=500)
    types = [record.event_type for record in records]
    turns = AuditQuery(log).timeline(chat.conversation_id)

    assert len(turns) == 3
    assert types.count("reply_delivered") == 3
    assert "model_prompt" in types
    assert "model_output" in types
    assert "tool_call" in types
    assert "guardrail_decision" in types
    assert all(record.patient_id == str(chat.patient.id) for record in records)
    assert verify_log(log.engine, trusted_keys(settings)).ok


def test_audit_stream_has_no_phi(audited):
    chat, log, settings, folder = audited
    chat.say("hi, I'm Jordan Testwell, 408-555-0101, born 04/12/1985. I need a checkup next Tuesday")
    chat.say("the first one")
    chat.say("yes")

    stream = (folder / "stream.jsonl").read_text()
    lines = [json.loads(line) for line in stream.splitlines()]

    assert len(lines) > 5
    for value in seeded_identifiers():
        assert value not in stream, "a seeded identifier reached the audit stream"
