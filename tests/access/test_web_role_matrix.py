"""Every route of the assistant web app, called as every caller, against docs/permissions.md.

The table is the section "Assistant web app endpoints" of docs/permissions.md. The scheduling
API mounted at /scheduling has its own matrix (tests/auth/test_permission_matrix.py), and
/static serves files only, so both mounts are left out. A route without a row, a row without a
route, or a route without a request builder here fails the test.

One server serves the module: the compliance console's web app with two organizations, and the
SMS webhook installed as `python -m assistant serve` installs it when SMS is configured. Staff
sign in once each with password and TOTP, because a second sign-in of the same account within
30 seconds waits for the next TOTP step. Patients sign in with email and date of birth.
Escalations come from a patient chat that asks for a person, and every cell that claims,
replies to, hands back or resolves an escalation gets a new one, so no cell depends on another.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from starlette.routing import BaseRoute, Mount

import tests.fixtures.compliance as compliance_fixtures
from assistant.channels.sms import LocalSinkProvider, Outbox, SmsChannelSettings, install_sms
from assistant.channels.sms.dedup import MemorySeenMessages
from assistant.channels.sms.state import SmsSessionStore
from assistant.web.app import SCHEDULING_PREFIX
from scheduling.account_models import StaffMember
from scheduling.auth.passwords import hash_password
from scheduling.models import Patient
from scheduling.seed import DEMO_STAFF_PASSWORD
from scheduling.sessions.store import MemoryStore as KeyValueMemoryStore
from tests.fixtures.compliance import (COMPLIANCE_EMAIL, OTHER_COMPLIANCE_EMAIL, ComplianceServer,
                                       start_compliance_server)

try:
    from fastapi.routing import iter_route_contexts
except ImportError:
    # FastAPI releases without iter_route_contexts copy included routes into app.routes.
    def iter_route_contexts(routes: list[BaseRoute]) -> Iterator[BaseRoute]:
        return iter(routes)

MATRIX_FILE = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
SECTION = "## Assistant web app endpoints"
HEADER = "| method | path |"
ROW = re.compile(r"^\| (GET|POST|PUT|PATCH|DELETE) \| `(\S+)` \|(.+)\|\s*$")
CELL = re.compile(r"^(\d{3})!?$")
"""A status, with `!` when it is a known bug that an xfail test below describes."""

COLUMNS = ("anonymous", "patient", "other_patient", "front_desk", "clinician", "billing", "admin",
           "compliance", "other_admin", "other_compliance")
STAFF_EMAILS = {"front_desk": "front.desk@example.com", "clinician": "clinician@example.com",
                "billing": "billing@example.com", "admin": "admin@example.com",
                "compliance": COMPLIANCE_EMAIL, "other_admin": "admin.other@example.org",
                "other_compliance": OTHER_COMPLIANCE_EMAIL}
CLAIMING_COLUMNS = ("front_desk", "clinician", "admin")
"""Roles that may claim an escalation. Other callers act on one that front_desk claimed."""
EXPECTED_MOUNTS = {SCHEDULING_PREFIX, "/static"}
ASK_FOR_PERSON = "I need to talk to someone"

SMS_SETTINGS = {"SMS_PUBLIC_URL": "https://clinic.example.com", "SMS_ORGANIZATION_ID": 1,
                "TWILIO_AUTH_TOKEN": "matrix-test-auth-token-0123456789",
                "SMS_CHANNEL_SECRET": "matrix-test-channel-secret-of-32-characters-or-more"}


def read_matrix() -> tuple[list[str], dict[str, dict[str, int]]]:
    """Return the columns and {"METHOD path": {column: status}} of the section."""
    columns: list[str] = []
    rows: dict[str, dict[str, int]] = {}
    in_section = False
    for line in MATRIX_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            in_section = line.strip() == SECTION
            continue
        if not in_section:
            continue
        if line.startswith(HEADER):
            columns = [cell.strip() for cell in line.strip().strip("|").split("|")][2:]
        match = ROW.match(line)
        if match:
            cells = [CELL.match(cell.strip()) for cell in match.group(3).split("|")]
            assert all(cells), f"a cell is not a status like 200 or 200!: {line}"
            assert len(cells) == len(columns), f"the row has {len(cells)} cells for {len(columns)} columns: {line}"
            rows[f"{match.group(1)} {match.group(2)}"] = {
                column: int(cell.group(1)) for column, cell in zip(columns, cells)}
    return columns, rows


def route_operations(app: FastAPI) -> set[str]:
    """Return "METHOD path" of every route outside the mounts, leaving out the HEAD that GET implies."""
    operations = set()
    for route in iter_route_contexts(app.routes):
        if isinstance(getattr(route, "original_route", route), Mount):
            continue
        # A route without methods is a WebSocket route, which then has no row and fails.
        methods = route.methods or {"WEBSOCKET"}
        operations |= {f"{method} {route.path}" for method in methods if method != "HEAD"}
    return operations


def mount_paths(app: FastAPI) -> set[str]:
    return {route.path for route in iter_route_contexts(app.routes)
            if isinstance(getattr(route, "original_route", route), Mount)}


@dataclass
class Call:
    """One request: the path with ids filled in, extra headers, and other httpx keyword arguments."""

    path: str
    options: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class WebMatrix:
    """The running server, the caller's tokens and helpers that make real escalations."""

    server: ComplianceServer
    app: FastAPI
    http: httpx.Client
    tokens: dict[str, str]
    chat_conversation: str = ""
    escalated_conversation: str = ""

    def headers(self, column: str) -> dict[str, str]:
        token = self.tokens.get(column)
        return {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method: str, column: str, call: Call) -> httpx.Response:
        """Send `call` as `column`, closing an event stream once its status has arrived."""
        self.http.cookies.clear()
        headers = {**call.headers, **self.headers(column)}
        request = self.http.build_request(method, call.path, headers=headers, **call.options)
        response = self.http.send(request, stream=True)
        if response.headers.get("content-type", "").startswith("text/event-stream"):
            response.close()
        else:
            response.read()
        return response

    def start_chat(self) -> str:
        """Start a web conversation as the patient column and return its id."""
        response = self.call("POST", "patient", Call("/api/conversations"))
        assert response.status_code == 201, response.text
        return response.json()["conversation_id"]

    def escalate(self) -> tuple[int, str]:
        """Open an escalation by asking for a person in a new chat, and return its id and conversation id."""
        conversation_id = self.start_chat()
        turn = self.call("POST", "patient", Call(f"/api/conversations/{conversation_id}/messages",
                                                 {"json": {"text": ASK_FOR_PERSON}}))
        assert turn.status_code == 200, turn.text
        assert turn.json()["handoff"] is True, turn.text
        queue = self.call("GET", "admin", Call("/api/staff/escalations"))
        assert queue.status_code == 200, queue.text
        ids = [row["id"] for row in queue.json()["escalations"] if row["conversation_id"] == conversation_id]
        assert len(ids) == 1, queue.text
        return ids[0], conversation_id

    def claimed_escalation(self, column: str) -> tuple[int, str]:
        """Open an escalation claimed by `column`, or by front_desk for a column that may not claim."""
        escalation_id, conversation_id = self.escalate()
        claimer = column if column in CLAIMING_COLUMNS else "front_desk"
        claim = self.call("POST", claimer, Call(f"/api/staff/escalations/{escalation_id}/claim"))
        assert claim.status_code == 200, claim.text
        return escalation_id, conversation_id


def _claim(world: WebMatrix, column: str) -> Call:
    escalation_id, _ = world.escalate()
    return Call(f"/api/staff/escalations/{escalation_id}/claim")


def _hand_back(world: WebMatrix, column: str) -> Call:
    escalation_id, _ = world.claimed_escalation(column)
    return Call(f"/api/staff/escalations/{escalation_id}/hand-back")


def _resolve(world: WebMatrix, column: str) -> Call:
    escalation_id, _ = world.claimed_escalation(column)
    return Call(f"/api/staff/escalations/{escalation_id}/resolve", {"json": {"outcome": "no_action_needed"}})


def _staff_reply(world: WebMatrix, column: str) -> Call:
    _, conversation_id = world.claimed_escalation(column)
    return Call(f"/api/staff/conversations/{conversation_id}/messages",
                {"json": {"text": "Hello, this is the clinic. How can I help?"}})


Builder = Callable[[WebMatrix, str], Call]
BUILDERS: dict[str, Builder] = {
    "GET /": lambda world, _: Call("/"),
    "GET /staff": lambda world, _: Call("/staff"),
    "GET /compliance": lambda world, _: Call("/compliance"),
    "GET /compliance/{name}": lambda world, _: Call("/compliance/compliance.js"),
    "GET /openapi.json": lambda world, _: Call("/openapi.json"),
    "GET /docs": lambda world, _: Call("/docs"),
    "GET /docs/oauth2-redirect": lambda world, _: Call("/docs/oauth2-redirect"),
    "GET /redoc": lambda world, _: Call("/redoc"),
    "POST /api/conversations": lambda world, _: Call("/api/conversations"),
    "POST /api/conversations/{conversation_id}/messages": lambda world, _: Call(
        f"/api/conversations/{world.chat_conversation}/messages", {"json": {"text": "hello"}}),
    "GET /api/conversations/{conversation_id}/updates": lambda world, _: Call(
        f"/api/conversations/{world.chat_conversation}/updates", {"params": {"after": 0}}),
    "GET /api/staff/escalations": lambda world, _: Call("/api/staff/escalations"),
    "POST /api/staff/escalations/{escalation_id}/claim": _claim,
    "POST /api/staff/escalations/{escalation_id}/hand-back": _hand_back,
    "POST /api/staff/escalations/{escalation_id}/resolve": _resolve,
    "GET /api/staff/conversations/{conversation_id}": lambda world, _: Call(
        f"/api/staff/conversations/{world.escalated_conversation}"),
    "POST /api/staff/conversations/{conversation_id}/messages": _staff_reply,
    "GET /api/staff/sms-outbox": lambda world, _: Call("/api/staff/sms-outbox"),
    "GET /api/staff/events": lambda world, _: Call("/api/staff/events"),
    "GET /api/compliance/session": lambda world, _: Call("/api/compliance/session"),
    "GET /api/compliance/records": lambda world, _: Call("/api/compliance/records"),
    "GET /api/compliance/alerts": lambda world, _: Call("/api/compliance/alerts"),
    "GET /api/compliance/conversations/{conversation_id}": lambda world, _: Call(
        f"/api/compliance/conversations/{world.chat_conversation}"),
    "GET /api/compliance/integrity": lambda world, _: Call("/api/compliance/integrity"),
    "POST /api/compliance/integrity/verify": lambda world, _: Call("/api/compliance/integrity/verify"),
    "POST /api/compliance/exports": lambda world, _: Call("/api/compliance/exports",
                                                         {"json": {"format": "json"}}),
    # Users send no Twilio signature, so every caller here is an unsigned request.
    "POST /sms/twilio/inbound": lambda world, _: Call(
        "/sms/twilio/inbound", {"content": "MessageSid=SM" + "0" * 32 + "&From=%2B14085550101&Body=hello"},
        {"Content-Type": "application/x-www-form-urlencoded"}),
}


def _add_other_admin(server: ComplianceServer) -> None:
    """Add an admin to the second organization, the one whose compliance officer the fixture made."""
    with server.web.session_factory() as session:
        other = session.scalar(select(Patient).where(Patient.id == server.other_patient_id))
        assert other is not None
        session.add(StaffMember(organization_id=other.organization_id, email=STAFF_EMAILS["other_admin"],
                                display_name="Other Admin", role="admin",
                                password_hash=hash_password(DEMO_STAFF_PASSWORD, server.web.settings)))
        session.commit()


def _patient_token(http: httpx.Client, email: str, date_of_birth: str) -> str:
    response = http.post(SCHEDULING_PREFIX + "/v1/auth/patient-token",
                         json={"email": email, "date_of_birth": date_of_birth})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebMatrix]:
    """The running web app with SMS, every caller signed in, one plain chat and one escalated chat."""
    built: list[FastAPI] = []
    build_web_app = compliance_fixtures.create_web_app
    data_dir = tmp_path_factory.mktemp("web-matrix")

    def build_with_sms(service, scheduling_app, broadcaster) -> FastAPI:
        app = build_web_app(service, scheduling_app, broadcaster)
        settings = SmsChannelSettings(_env_file=None, CLINIC_DATA_DIR=data_dir / "sms", **SMS_SETTINGS)
        install_sms(app, service, settings=settings, provider=LocalSinkProvider(), outbox=Outbox(),
                    seen=MemorySeenMessages(600), sessions=SmsSessionStore(KeyValueMemoryStore(), 3600))
        built.append(app)
        return app

    # The compliance fixture builds the app inside its context manager, so the webhook is added
    # by wrapping the factory it calls, for as long as the server starts.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(compliance_fixtures, "create_web_app", build_with_sms)
        server_context = start_compliance_server(data_dir)
        server = server_context.__enter__()
    try:
        _add_other_admin(server)
        with httpx.Client(base_url=server.base_url, timeout=60) as http:
            patients = server.patients
            tokens = {"patient": _patient_token(http, patients[0].email, patients[0].date_of_birth.isoformat()),
                      "other_patient": _patient_token(http, patients[1].email,
                                                      patients[1].date_of_birth.isoformat())}
            tokens |= {column: server.staff_token(email) for column, email in STAFF_EMAILS.items()}
            world = WebMatrix(server, built[0], http, tokens)
            world.chat_conversation = world.start_chat()
            _, world.escalated_conversation = world.escalate()
            yield world
    finally:
        server_context.__exit__(None, None, None)


def test_matrix_covers_every_route(world: WebMatrix) -> None:
    columns, rows = read_matrix()
    operations = route_operations(world.app)
    mounts = mount_paths(world.app)
    assert columns == list(COLUMNS)
    assert mounts == EXPECTED_MOUNTS, "a new mount needs its own rows or its own matrix"
    assert sorted(operations - set(rows)) == [], "routes without a row in docs/permissions.md"
    assert sorted(set(rows) - operations) == [], "rows in docs/permissions.md without a route"
    assert sorted(operations - set(BUILDERS)) == [], "routes without a request builder"


def test_web_role_matrix(world: WebMatrix) -> None:
    _, rows = read_matrix()
    failures = []
    for operation, expected in rows.items():
        method = operation.split(" ", 1)[0]
        for column, status in expected.items():
            response = world.call(method, column, BUILDERS[operation](world, column))
            if response.status_code != status:
                failures.append(f"{operation} as {column}: expected {status}, got "
                                f"{response.status_code} {response.text[:160]}")
    assert failures == []


OUTBOX_PHONE = "+14085550101"
"""Jordan Testwell's seeded number, in the first organization."""


def _record_outbox_text(world: WebMatrix) -> str:
    """Record a text to a first-organization patient in the SMS outbox and return its body."""
    body = f"Reply C to confirm your visit. Ref {uuid.uuid4().hex[:8]}"
    world.app.state.sms.outbox.record(OUTBOX_PHONE, body, "reminder", "local", "sent")
    return body


def test_sms_outbox_shows_own_texts(world: WebMatrix) -> None:
    body = _record_outbox_text(world)

    response = world.call("GET", "clinician", Call("/api/staff/sms-outbox"))

    assert response.status_code == 200, response.text
    assert body in [message["body"] for message in response.json()["messages"]]


def test_sms_outbox_hides_other_tenant_texts(world: WebMatrix) -> None:
    body = _record_outbox_text(world)

    response = world.call("GET", "other_admin", Call("/api/staff/sms-outbox"))

    assert response.status_code == 200, response.text
    assert body not in [message["body"] for message in response.json()["messages"]]
    assert OUTBOX_PHONE not in [message["to"] for message in response.json()["messages"]]
