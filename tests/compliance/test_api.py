"""The compliance console's JSON API over real HTTP: roles, tenants, parameters, views and exports.

One server serves the whole module, because each staff sign-in spends a TOTP step and signing in
again within 30 seconds would wait for the next one. Tests that change the server's state (the
scheduling clock, the audit rows) use their own server or restore what they change.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.audit.export import CSV_COLUMNS
from assistant.audit.query import AuditFilter, AuditQuery
from assistant.web.app import SCHEDULING_PREFIX
from assistant.web.compliance_api import install_compliance
from scheduling.account_models import StaffMember
from scheduling.seed import DEMO_PATIENT_PASSWORD, DEMO_STAFF_PASSWORD
from tests.audit.helpers import as_attacker
from tests.fixtures.compliance import OTHER_COMPLIANCE_EMAIL, ComplianceServer, start_compliance_server

NON_COMPLIANCE_STAFF = ("front.desk@example.com", "clinician@example.com", "billing@example.com",
                        "admin@example.com")
REAUTH_EXPIRED = dt.timedelta(minutes=6)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[ComplianceServer]:
    with start_compliance_server(tmp_path_factory.mktemp("compliance")) as running:
        yield running


@pytest.fixture(scope="module")
def conversation_id(server: ComplianceServer) -> str:
    return server.book_by_chat()


@pytest.fixture(scope="module")
def tokens(server: ComplianceServer, conversation_id: str) -> dict[str, str]:
    """One session per staff member, signed in once for the module."""
    emails = ("compliance@example.com", OTHER_COMPLIANCE_EMAIL, *NON_COMPLIANCE_STAFF)
    return {email: server.staff_token(email) for email in emails}


def endpoints(conversation_id: str) -> list[tuple[str, str, dict]]:
    return [
        ("GET", "/api/compliance/session", {}),
        ("GET", "/api/compliance/records", {"params": {"conversation_id": conversation_id}}),
        ("GET", "/api/compliance/alerts", {}),
        ("GET", f"/api/compliance/conversations/{conversation_id}", {}),
        ("GET", "/api/compliance/integrity", {}),
        ("POST", "/api/compliance/integrity/verify", {}),
        ("POST", "/api/compliance/exports", {"json": {"format": "json"}}),
    ]


def audit_records(server: ComplianceServer, **criteria) -> list:
    return AuditQuery(server.audit_log).search(AuditFilter(**criteria), limit=1000)


def test_other_staff_roles_get_403(server, tokens, conversation_id):
    for email in NON_COMPLIANCE_STAFF:
        for method, path, options in endpoints(conversation_id):
            response = server.api(method, path, tokens[email], **options)
            assert response.status_code == 403, (email, path, response.text)
            assert response.json()["error"]["code"] == "forbidden", (email, path)


def test_missing_or_unknown_token_gets_401(server, conversation_id):
    for token in (None, "not-a-session-token"):
        for method, path, options in endpoints(conversation_id):
            response = server.api(method, path, token, **options)
            assert response.status_code == 401, (token, path, response.text)
            assert response.json()["error"]["code"] == "invalid_session"


def test_patient_credentials_are_rejected(server, conversation_id):
    patient = server.patients[0]
    portal = server.api("POST", SCHEDULING_PREFIX + "/v1/auth/patient/sign-in",
                        json={"email": patient.email, "password": DEMO_PATIENT_PASSWORD})
    assert portal.status_code == 200, portal.text
    jwt = server.web.token_for(patient)

    for method, path, options in endpoints(conversation_id):
        with_jwt = server.api(method, path, jwt, **options)
        with_portal = server.api(method, path, portal.json()["session_token"], **options)
        assert with_jwt.status_code == 401, (path, with_jwt.text)
        assert with_portal.status_code == 403, (path, with_portal.text)


def test_mfa_pending_session_gets_403(server, conversation_id):
    step_one = server.api("POST", SCHEDULING_PREFIX + "/v1/auth/staff/sign-in",
                          json={"email": "compliance@example.com", "password": DEMO_STAFF_PASSWORD})
    response = server.api("GET", "/api/compliance/records", step_one.json()["session_token"])

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "mfa_required"


def test_other_tenant_sees_nothing(server, tokens, conversation_id):
    other = tokens[OTHER_COMPLIANCE_EMAIL]
    ours = tokens["compliance@example.com"]

    search = server.api("GET", "/api/compliance/records", other, params={"conversation_id": conversation_id})
    timeline = server.api("GET", f"/api/compliance/conversations/{conversation_id}", other)
    by_patient = server.api("GET", "/api/compliance/records", other,
                            params={"patient_id": str(server.patients[0].id)})
    everything = server.api("GET", "/api/compliance/records", other, params={"limit": 200})
    export = server.api("POST", "/api/compliance/exports", other,
                        json={"format": "json", "conversation_id": conversation_id})
    their_patient = server.api("GET", "/api/compliance/records", ours,
                               params={"patient_id": str(server.other_patient_id)})

    assert search.status_code == 200
    assert search.json()["records"] == []
    assert timeline.status_code == 404
    assert timeline.json()["error"]["code"] == "conversation_not_found"
    assert by_patient.status_code == 404
    assert by_patient.json()["error"]["field"] == "patient_id"
    assert export.status_code == 404, export.text
    assert export.json()["error"]["code"] == "conversation_not_found"
    with server.web.session_factory() as session:
        other_tenant = str(session.scalar(select(StaffMember.organization_id)
                                          .where(StaffMember.email == OTHER_COMPLIANCE_EMAIL)))
    rows = everything.json()["records"]
    ours_ids = {str(patient.id) for patient in server.patients}
    assert {row["tenant_id"] for row in rows if row["event_type"] != "alert"} <= {other_tenant}
    assert not {row["patient_id"] for row in rows} & ours_ids
    assert conversation_id not in {row["conversation_id"] for row in rows}
    assert their_patient.status_code == 404


@pytest.mark.parametrize(("params", "field", "code"), [
    ({"event_type": "coffee_break"}, "event_type", "invalid_request"),
    ({"outcome": "maybe"}, "outcome", "invalid_request"),
    ({"limit": 0}, "limit", "invalid_request"),
    ({"limit": 201}, "limit", "invalid_request"),
    ({"after_seq": -1}, "after_seq", "invalid_request"),
    ({"since": "yesterday"}, "since", "invalid_request"),
    ({"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "until", "invalid_time_range"),
    ({"patient_id": "abc"}, "patient_id", "invalid_request"),
    ({"conversation_id": "a b"}, "conversation_id", "invalid_request"),
    ({"patinet_id": "1"}, "patinet_id", "invalid_request"),
])
def test_bad_search_parameter_names_field(server, tokens, params, field, code):
    response = server.api("GET", "/api/compliance/records", tokens["compliance@example.com"], params=params)

    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["field"] == field


@pytest.mark.parametrize(("body", "field"), [
    ({"format": "xml"}, "format"),
    ({}, "format"),
    ({"format": "csv", "outcome": "maybe"}, "outcome"),
    ({"format": "csv", "extra": 1}, "extra"),
])
def test_bad_export_body_names_field(server, tokens, body, field):
    response = server.api("POST", "/api/compliance/exports", tokens["compliance@example.com"], json=body)

    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field


def test_bad_timeline_id_names_field(server, tokens):
    response = server.api("GET", "/api/compliance/conversations/" + "x" * 65, tokens["compliance@example.com"])

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "conversation_id"


def test_search_pages_without_overlap(server, tokens, conversation_id):
    token = tokens["compliance@example.com"]
    first = server.api("GET", "/api/compliance/records", token,
                       params={"conversation_id": conversation_id, "limit": 5}).json()
    second = server.api("GET", "/api/compliance/records", token,
                        params={"conversation_id": conversation_id, "limit": 5,
                                "after_seq": first["next_after_seq"]}).json()

    assert len(first["records"]) == 5
    assert first["next_after_seq"] == first["records"][-1]["seq"]
    assert second["records"][0]["seq"] > first["next_after_seq"]
    assert all("payload" not in row for row in first["records"])


def test_search_filters_by_type_and_patient(server, tokens, conversation_id):
    token = tokens["compliance@example.com"]
    response = server.api("GET", "/api/compliance/records", token,
                          params={"patient_id": str(server.patients[0].id), "event_type": "tool_call",
                                  "outcome": "success"})
    rows = response.json()["records"]

    assert response.status_code == 200
    assert rows
    assert {row["event_type"] for row in rows} == {"tool_call"}
    assert "book_appointment" in {row["details"]["name"] for row in rows}


def test_timeline_shows_turns_side_by_side(server, tokens, conversation_id):
    token = tokens["compliance@example.com"]
    plain = server.api("GET", f"/api/compliance/conversations/{conversation_id}", token).json()
    chat_turns = [turn for turn in plain["turns"] if turn["prompts"]]

    assert plain["patient_id"] == str(server.patients[0].id)
    assert len(chat_turns) == 3
    for turn in chat_turns:
        assert turn["outputs"], turn["correlation_id"]
        assert turn["guardrails"], turn["correlation_id"]
        assert len(turn["replies"]) == 1
        assert turn["replies"][0]["payload"] is None
    assert "book_appointment" in [call["details"]["name"] for call in chat_turns[-1]["tool_calls"]]


def test_decrypted_timeline_is_audited(server, tokens, conversation_id):
    token = tokens["compliance@example.com"]
    before = len(audit_records(server, conversation_id=conversation_id, event_types=("conversation_viewed",)))

    response = server.api("GET", f"/api/compliance/conversations/{conversation_id}", token,
                          params={"decrypt": "true"})
    views = audit_records(server, conversation_id=conversation_id, event_types=("conversation_viewed",))
    replies = [turn["replies"][0] for turn in response.json()["turns"] if turn["replies"]]

    assert response.status_code == 200
    assert response.json()["decrypted"] is True
    assert all(reply["payload"]["reply"] for reply in replies)
    assert len(views) == before + 1
    assert views[-1].details_dict.get("decrypted") is True
    assert views[-1].actor_role == "compliance"
    assert views[-1].source_ip == "127.0.0.1"


def test_views_record_actor_and_source(server, tokens, conversation_id):
    token = tokens["compliance@example.com"]
    patient_id = str(server.patients[0].id)
    server.api("GET", "/api/compliance/records", token, params={"patient_id": patient_id},
               headers={"User-Agent": "compliance-test-agent"})

    viewed = audit_records(server, patient_id=patient_id, event_types=("patient_viewed",))[-1]

    assert viewed.actor_id.startswith("staff-")
    assert viewed.actor_role == "compliance"
    assert viewed.tenant_id == str(server.patients[0].organization_id)
    assert viewed.source_ip == "127.0.0.1"
    assert viewed.user_agent == "compliance-test-agent"
    assert viewed.details_dict["view"] == "audit_search"


def test_export_formats_parse(server, tokens, conversation_id):
    token = tokens["compliance@example.com"]
    bodies = {}
    for export_format in ("csv", "json", "fhir"):
        response = server.api("POST", "/api/compliance/exports", token,
                              json={"format": export_format, "conversation_id": conversation_id})
        assert response.status_code == 200, response.text
        assert "attachment" in response.headers["content-disposition"]
        bodies[export_format] = response.text

    rows = list(csv.DictReader(io.StringIO(bodies["csv"])))
    listed = json.loads(bodies["json"])
    bundle = json.loads(bodies["fhir"])
    exports = audit_records(server, event_types=("export",), conversation_id=conversation_id)

    assert bodies["csv"].splitlines()[0] == ",".join(CSV_COLUMNS)
    assert rows and {row["conversation_id"] for row in rows} == {conversation_id}
    assert isinstance(listed, list)
    assert {row["conversation_id"] for row in listed} == {conversation_id}
    assert bundle["resourceType"] == "Bundle"
    assert bundle["entry"]
    assert {entry["resource"]["resourceType"] for entry in bundle["entry"]} == {"AuditEvent"}
    assert [record.details_dict["format"] for record in exports[-3:]] == ["csv", "json", "fhir"]


def test_export_needs_recent_reauthentication(server, tokens):
    token = tokens["compliance@example.com"]
    server.clock.offset += REAUTH_EXPIRED
    try:
        refused = server.api("POST", "/api/compliance/exports", token, json={"format": "csv"})
        reauth = server.reauthenticate(token)
        allowed = server.api("POST", "/api/compliance/exports", token, json={"format": "csv"})
    finally:
        server.clock.offset -= REAUTH_EXPIRED
    failures = audit_records(server, event_types=("export",), outcome="failure")

    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "reauthentication_required"
    assert reauth.status_code == 200, reauth.text
    assert allowed.status_code == 200, allowed.text
    assert failures[-1].details_dict["reason_code"] == "reauthentication_required"


def test_alerts_lists_only_alerts(server, tokens):
    response = server.api("GET", "/api/compliance/alerts", tokens["compliance@example.com"])

    assert response.status_code == 200
    assert {row["event_type"] for row in response.json()["records"]} <= {"alert"}


def test_verify_reports_intact_then_tampered(tmp_path):
    with start_compliance_server(tmp_path / "tamper") as server:
        server.book_by_chat()
        token = server.staff_token()
        before = server.api("GET", "/api/compliance/integrity", token).json()
        intact = server.api("POST", "/api/compliance/integrity/verify", token).json()
        as_attacker(server.audit_log.engine, "UPDATE audit_records SET outcome = 'failure' WHERE seq = 3")
        tampered = server.api("POST", "/api/compliance/integrity/verify", token).json()
        runs = audit_records(server, event_types=("security_event",))

    assert before["status"] == "unverified"
    assert intact["status"] == "intact"
    assert tampered["status"] == "tampered"
    assert tampered["last_verification"]["problem_kind"] == "edited"
    assert tampered["last_verification"]["problem_seq"] == 3
    assert [run.outcome for run in runs if run.details_dict.get("action") == "audit_verified"] == ["success", "failure"]


def test_without_audit_log_answers_503():
    app = FastAPI()
    install_compliance(app, None, lambda: "http://127.0.0.1:9/scheduling")

    response = TestClient(app).get("/api/compliance/records", headers={"Authorization": "Bearer anything"})

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "audit_unavailable"
