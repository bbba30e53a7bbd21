"""Search, conversation timeline, integrity status, exports and the FHIR AuditEvent mapping."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from assistant.audit import Actor, AuditEvent, EventType, Outcome, Source, Subject
from assistant.audit.export import export_records
from assistant.audit.fhir import to_audit_event, to_bundle
from assistant.audit.payloads import SHREDDED
from assistant.audit.query import AuditFilter, AuditQuery
from assistant.audit.turns import TurnAuditor
from assistant.audit.verify import verify_log
from guardrails.output_filter import OutputVerdict
from guardrails.pipeline import InputVerdict
from tests.audit.conftest import build_log
from tools.base import ToolCallRecord

OFFICER = Actor("staff-9", "compliance_officer", "org-1", "site-1")
CONSOLE = Source(ip="127.0.0.1", channel="console", user_agent="pytest")


class _Message:
    def __init__(self, kind: str, content: str, tool_calls=None) -> None:
        self.type, self.content, self.tool_calls = kind, content, tool_calls or []


def _turn(log, patient_id: int, conversation_id: str, blocked: bool = False) -> str:
    with TurnAuditor(log, patient_id=patient_id, conversation_id=conversation_id, channel="web",
                     engine="local", model="rules", prompt_version="scheduling.v1") as turn:
        if blocked:
            turn.input_decision(InputVerdict("injection", "I can only help with appointments.", None,
                                             [{"rail": "injection", "rules": ["ignore_previous"], "score": 0.91}]))
            turn.reply("I can only help with appointments.")
            return turn.correlation_id
        turn.input_decision(InputVerdict("allow", None, None, []))
        turn.deidentification([{"entity_type": "PERSON", "start": 5, "end": 11, "score": 0.85, "source": "lexicon",
                                "value": "Jordan"}])
        turn.on_prompt([_Message("system", "You book appointments."), _Message("human", "I am [PERSON_1]")])
        turn.model_output(_Message("ai", "", [{"name": "find_slots", "args": {"appointment_type": "checkup"}}]))
        turn.tool_calls([ToolCallRecord("find_slots", {"appointment_type": "checkup"}, "ok"),
                         ToolCallRecord("book_appointment", {"slot_id": "1.2.3.20261208T1500Z"}, "error: slot_taken")])
        turn.output_decision(OutputVerdict("Here are openings, [PERSON_1].", False, False, []))
        turn.reply("Here are openings, Jordan.")
        return turn.correlation_id


@pytest.fixture
def filled(audit_log):
    first = _turn(audit_log, 1, "conv-1")
    second = _turn(audit_log, 1, "conv-1", blocked=True)
    _turn(audit_log, 2, "conv-2")
    staff = Actor("staff-7", "front_desk", "org-1", "site-2")
    audit_log.append(AuditEvent(EventType.PATIENT_VIEWED, staff, Subject(patient_id="1"), CONSOLE))
    audit_log.append(AuditEvent(EventType.SIGN_IN, staff, source=CONSOLE, outcome=Outcome.FAILURE))
    return audit_log, first, second


def test_search_by_patient_and_type(filled):
    log, _, _ = filled
    query = AuditQuery(log)

    prompts = query.search(AuditFilter(patient_id="1", event_types=["model_prompt"]))
    staff = query.search(AuditFilter(actor_id="staff-7"))
    failures = query.search(AuditFilter(outcome="failure"))

    assert len(prompts) == 1
    assert prompts[0].details_dict["messages"][1] == {"role": "human", "content": "I am [PERSON_1]"}
    assert prompts[0].details_dict["prompt_version"] == "scheduling.v1"
    assert [record.event_type for record in staff] == ["patient_viewed", "sign_in"]
    assert sorted(record.event_type for record in failures) == ["sign_in", "tool_call", "tool_call"]


def test_search_time_range_and_paging(filled):
    log, _, _ = filled
    query = AuditQuery(log)
    everything = query.search(AuditFilter(), limit=1000)
    middle = everything[5].recorded_at

    since = dt.datetime.strptime(middle, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)
    later = query.search(AuditFilter(since=since), limit=1000)
    page = query.search(AuditFilter(after_seq=3), limit=2)

    assert all(record.recorded_at >= middle for record in later)
    assert later[0].seq <= 6
    assert [record.seq for record in page] == [4, 5]
    with pytest.raises(ValueError, match="limit is 0"):
        query.search(AuditFilter(), limit=0)


def test_timeline_groups_turns(filled):
    log, first, second = filled

    turns = AuditQuery(log).timeline("conv-1")

    assert [turn.correlation_id for turn in turns] == [first, second]
    kinds = [entry.event_type for entry in turns[0].entries]
    assert kinds == ["guardrail_decision", "guardrail_decision", "model_prompt", "model_output", "tool_call",
                     "tool_call", "guardrail_decision", "reply_delivered"]
    deidentify = turns[0].entries[1].details
    assert deidentify["entity_types"] == ["PERSON"]
    assert "value" not in deidentify["findings"][0]
    assert turns[1].entries[0].outcome == "blocked"
    assert turns[1].entries[0].details["findings"][0]["rules"] == ["ignore_previous"]
    assert all(entry.payload is None for turn in turns for entry in turn.entries)


def test_decrypted_timeline_is_audited(filled):
    log, _, _ = filled
    query = AuditQuery(log)

    turns = query.timeline("conv-1", decrypt=True, viewer=OFFICER, source=CONSOLE)

    reply = [entry for entry in turns[0].entries if entry.event_type == "reply_delivered"][0]
    tool = [entry for entry in turns[0].entries if entry.event_type == "tool_call"][0]
    assert reply.payload == {"reply": "Here are openings, Jordan."}
    assert tool.payload == {"args": {"appointment_type": "checkup"}}
    views = query.search(AuditFilter(actor_id="staff-9", event_types=["conversation_viewed"]))
    assert len(views) == 1
    assert views[0].conversation_id == "conv-1"
    assert views[0].patient_id == "1"
    with pytest.raises(ValueError, match="viewer"):
        query.timeline("conv-1", decrypt=True)


def test_timeline_after_shred(filled):
    log, _, _ = filled
    log.cipher.shred(patient_id="1")

    turns = AuditQuery(log).timeline("conv-1", decrypt=True, viewer=OFFICER)

    reply = [entry for entry in turns[0].entries if entry.event_type == "reply_delivered"][0]
    assert reply.payload == {"reply": SHREDDED}


def test_integrity_status_reports_last_run(filled, trusted):
    log, _, _ = filled
    query = AuditQuery(log)
    assert query.integrity_status() is None

    verify_log(log.engine, trusted)
    status = query.integrity_status()

    assert status["ok"] is True
    assert status["records_checked"] == len(query.search(AuditFilter(), limit=1000))


def test_csv_export_is_audited(filled):
    log, _, _ = filled
    query = AuditQuery(log)

    body = export_records(query, AuditFilter(patient_id="2"), "csv", actor=OFFICER, source=CONSOLE)

    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 8
    assert {row["patient_id"] for row in rows} == {"2"}
    assert "Jordan" not in body
    assert rows[-1]["has_payload"] == "True"
    exports = query.search(AuditFilter(event_types=["export"]))
    assert len(exports) == 1
    assert exports[0].details_dict == {"kind": "audit_log", "format": "csv", "record_count": 8,
                                       "criteria": {"patient_id": "2"}}
    assert exports[0].actor_id == "staff-9"


def test_json_export_lines(filled):
    log, _, _ = filled

    body = export_records(AuditQuery(log), AuditFilter(conversation_id="conv-1"), "json", actor=OFFICER,
                          source=CONSOLE)

    lines = [json.loads(line) for line in body.splitlines()]
    assert len(lines) == 10
    assert "payload" not in lines[0]
    assert lines[0]["details"]["stage"] == "input"


def test_unknown_export_format_rejected(filled):
    log, _, _ = filled
    query = AuditQuery(log)

    with pytest.raises(ValueError, match="unknown"):
        export_records(query, AuditFilter(), "xml", actor=OFFICER, source=CONSOLE)
    assert query.search(AuditFilter(event_types=["export"])) == []


def test_fhir_export_is_r4_auditevents(filled):
    log, _, _ = filled
    body = export_records(AuditQuery(log), AuditFilter(), "fhir", actor=OFFICER, source=CONSOLE)
    bundle = json.loads(body)

    assert bundle["resourceType"] == "Bundle"
    assert bundle["type"] == "collection"
    events = [entry["resource"] for entry in bundle["entry"]]
    for event in events:
        assert event["resourceType"] == "AuditEvent"
        assert {"type", "subtype", "action", "recorded", "outcome", "agent", "source", "entity"} <= set(event)
        assert event["action"] in {"C", "R", "U", "D", "E"}
        assert event["outcome"] in {"0", "4", "8", "12"}
        assert event["agent"][0]["requestor"] in (True, False)
        assert event["source"]["observer"]["display"] == "clinic-assistant"
    sign_in = [event for event in events if event["subtype"][0]["code"] == "110122"][0]
    assert sign_in["type"]["code"] == "110114"
    assert sign_in["outcome"] == "4"
    assert sign_in["agent"][0]["network"] == {"address": "127.0.0.1", "type": "2"}
    view = [event for event in events if event["subtype"][0]["code"] == "patient_viewed"][0]
    assert view["entity"][0]["what"] == {"reference": "Patient/1"}
    assert view["action"] == "R"


def test_fhir_resources_validate_with_library(filled):
    from fhir.resources.R4B.auditevent import AuditEvent as FhirAuditEvent
    from fhir.resources.R4B.bundle import Bundle

    log, _, _ = filled
    found = AuditQuery(log).search(AuditFilter(), limit=1000)

    for record in found:
        parsed = FhirAuditEvent.model_validate(to_audit_event(record))
        assert parsed.action == record.action
    bundle = Bundle.model_validate(to_bundle(found))
    assert len(bundle.entry) == len(found)


def test_turn_error_recorded(audit_url, data_dir):
    log = build_log(audit_url, data_dir)
    with pytest.raises(RuntimeError):
        with TurnAuditor(log, patient_id=4, conversation_id="conv-4", channel="sms", engine="openai") as turn:
            turn.on_prompt([_Message("human", "hi")])
            raise RuntimeError("engine down")

    found = AuditQuery(log).search(AuditFilter(conversation_id="conv-4"))
    log.engine.dispose()
    assert [record.event_type for record in found] == ["model_prompt", "guardrail_decision"]
    assert found[1].outcome == "error"
    assert found[1].details_dict["error"] == "RuntimeError"
