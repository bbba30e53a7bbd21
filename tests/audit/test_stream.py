"""The JSON-lines stream and syslog copies carry ids, types, outcomes and hashes, never PHI."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from assistant.audit import Actor, AuditEvent, EventType, Source, Subject
from assistant.audit.settings import AuditSettings
from assistant.audit.stream import FileSink, SyslogSink, TextStreamSink, sinks_from_settings
from assistant.audit.turns import TurnAuditor
from scheduling.seed import PATIENTS
from tests.audit.conftest import build_log


def _identifiers() -> list[str]:
    """Every seeded demo patient's name, phone, email and date of birth, as text."""
    values = []
    for first, last, birth, phone, email, _channel, _language in PATIENTS:
        values += [first, last, f"{first} {last}", phone, email, birth.isoformat(), phone.split(") ")[-1]]
    return values


class _Message:
    def __init__(self, kind: str, content: str) -> None:
        self.type = kind
        self.content = content


class _Tool:
    def __init__(self, name: str, args: dict, status: str) -> None:
        self.name, self.args, self.status = name, args, status


def _turns_with_phi(log) -> None:
    for patient_id, (first, last, birth, phone, email, _channel, _language) in enumerate(PATIENTS, start=1):
        with TurnAuditor(log, patient_id=patient_id, conversation_id=f"conv-{patient_id}", channel="web",
                         engine="local", model="rules", prompt_version="scheduling.v1") as turn:
            turn.on_prompt([_Message("system", "You book appointments."),
                            _Message("human", "I am [PERSON_1], born [DATE_OF_BIRTH_1]")])
            turn.model_output(_Message("ai", f"Hello {first} {last}, your phone {phone}"), reidentified=True)
            turn.tool_calls([_Tool("find_slots", {"name": f"{first} {last}", "email": email}, "ok")])
            turn.reidentification({"[PERSON_1]": f"{first} {last}", "[DATE_OF_BIRTH_1]": birth.isoformat()})
            turn.reply(f"{first}, you are booked. We will text {phone} or email {email}.")
        log.append(AuditEvent(EventType.PATIENT_VIEWED, Actor("staff-7", "front_desk"),
                              Subject(patient_id=str(patient_id)), Source(ip="127.0.0.1", channel="console")))


def test_file_stream_has_no_phi(audit_url, data_dir):
    path = data_dir / "stream.jsonl"
    log = build_log(audit_url, data_dir, sinks=[FileSink(path)])
    _turns_with_phi(log)
    log.engine.dispose()

    text = path.read_text(encoding="utf-8")
    lines = [json.loads(line) for line in text.splitlines()]
    assert len(lines) == len(PATIENTS) * 6
    assert [line["seq"] for line in lines] == list(range(1, len(lines) + 1))
    for identifier in _identifiers():
        assert identifier not in text, identifier
    assert {"event_type", "outcome", "record_hash", "prev_hash", "patient_id"} <= set(lines[0])
    assert "details" not in lines[0]
    assert "payload" not in lines[0]


def test_stdout_stream_has_no_phi(audit_url, data_dir, capsys):
    import sys

    log = build_log(audit_url, data_dir, sinks=[TextStreamSink(sys.stdout)])
    _turns_with_phi(log)
    log.engine.dispose()

    output = capsys.readouterr().out
    assert len(output.splitlines()) == len(PATIENTS) * 6
    for identifier in _identifiers():
        assert identifier not in output, identifier


def test_syslog_sends_rfc5424_over_udp(audit_url, data_dir):
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    sink = SyslogSink("127.0.0.1", receiver.getsockname()[1])
    log = build_log(audit_url, data_dir, sinks=[sink])
    try:
        _turns_with_phi(log)
        messages = [receiver.recv(65535) for _ in range(len(PATIENTS) * 6)]
    finally:
        sink.close()
        receiver.close()
        log.engine.dispose()

    first = messages[0].decode("utf-8")
    assert first.startswith("<86>1 ")  # facility authpriv (10) * 8 + informational (6)
    assert '[audit@32473 seq="1" type="model_prompt"]' in first
    body = json.loads(first.split("\ufeff", 1)[1])
    assert body["seq"] == 1
    joined = b"".join(messages).decode("utf-8")
    for identifier in _identifiers():
        assert identifier not in joined, identifier


def test_stream_failure_does_not_lose_record(audit_log, caplog):
    class Broken:
        def emit(self, record):
            raise OSError("disk full")

    audit_log.sinks.append(Broken())
    record = audit_log.append(AuditEvent(EventType.SIGN_OUT, Actor("staff-7", "front_desk")))

    assert record.seq == 1
    assert "Audit sink Broken failed on record 1" in caplog.text


@pytest.mark.parametrize(("stream", "kinds"), [
    ("off", []),
    ("stdout", ["TextStreamSink"]),
    ("file:audit.jsonl", ["FileSink"]),
])
def test_sinks_from_settings(stream, kinds, tmp_path: Path):
    sinks = sinks_from_settings(stream, None, tmp_path)

    assert [type(sink).__name__ for sink in sinks] == kinds
    if kinds == ["FileSink"]:
        assert sinks[0].path == tmp_path / "audit.jsonl"


def test_invalid_stream_setting_rejected(monkeypatch):
    from pydantic import ValidationError

    monkeypatch.setenv("AUDIT_STREAM", "kafka://somewhere")
    with pytest.raises(ValidationError, match="use stdout, off or file:PATH"):
        AuditSettings()
