"""Every endpoint of the OpenAPI schema, called as every caller, against docs/permissions.md.

Each cell gets its own new session and its own fresh records (slots, appointments,
escalations, staff), so no call depends on another. An endpoint without a matrix row, or
without a request builder here, fails the test.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from scheduling import booking
from scheduling.account_models import BreakGlassGrant, PatientCredential, StaffMember
from scheduling.models import Escalation, Patient
from scheduling.seed import DEMO_PATIENT_PASSWORD, DEMO_STAFF_PASSWORD
from tests.auth.conftest import AuthApp, bearer

MATRIX_FILE = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
ROW = re.compile(r"^\| `(GET|POST|PUT|PATCH|DELETE) (\S+)` \|(.+)\|\s*$")
STAFF_COLUMNS = ("front_desk", "clinician", "billing", "admin", "compliance", "other_tenant")


def read_matrix() -> tuple[list[str], dict[str, dict[str, int]]]:
    """Return the column names and {"METHOD path": {column: status}} from docs/permissions.md."""
    columns: list[str] = []
    rows: dict[str, dict[str, int]] = {}
    for line in MATRIX_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("| endpoint |"):
            columns = [cell.strip() for cell in line.strip("|").split("|")][1:]
        match = ROW.match(line)
        if match:
            cells = [int(cell.strip()) for cell in match.group(3).split("|")]
            assert len(cells) == len(columns), line
            rows[f"{match.group(1)} {match.group(2)}"] = dict(zip(columns, cells))
    return columns, rows


@dataclass
class Call:
    """One request: path with ids filled in, JSON body, query and extra headers."""

    path: str
    json: Any = None
    params: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    mfa_verified: bool = True
    break_glass: bool = False


@dataclass
class Context:
    """Access to the app for request builders, and a pool of free Sunnyvale slots."""

    app: AuthApp
    slots: Iterator[str]

    @property
    def jordan(self) -> Patient:
        return self.app.patients[0]

    def staff_id(self, column: str) -> int:
        return self.app.staff[column if column in STAFF_COLUMNS else "front_desk"].id

    def appointment(self) -> int:
        """Book a fresh future appointment for the first demo patient; return its id."""
        with self.app.session_factory() as session:
            patient = session.get(Patient, self.jordan.id)
            assert patient is not None
            appointment = booking.book(session, patient, next(self.slots), self.app.clock.now)
            session.commit()
            return appointment.id

    def escalation(self, column: str, claimed: bool) -> int:
        """Create an escalation for the first demo patient, claimed by the column's staff."""
        with self.app.session_factory() as session:
            row = Escalation(organization_id=self.jordan.organization_id,
                             patient_id=self.jordan.id, conversation_id=uuid.uuid4().hex,
                             reason="matrix", priority="normal", channel="web",
                             summary="synthetic", status="claimed" if claimed else "open",
                             created_at=self.app.clock.now,
                             claimed_by_staff_id=self.staff_id(column) if claimed else None)
            session.add(row)
            session.commit()
            return row.id

    def new_staff(self) -> int:
        """Create a throwaway front-desk account in the demo organization."""
        with self.app.session_factory() as session:
            row = StaffMember(organization_id=self.jordan.organization_id,
                              email=f"{uuid.uuid4().hex[:12]}@example.com",
                              display_name="Matrix Target", role="front_desk")
            session.add(row)
            session.commit()
            return row.id

    def token(self, column: str, call: Call) -> str | None:
        """Start a new session for the column's account, or None for anonymous."""
        if column == "anonymous":
            return None
        now = self.app.clock.now
        if column == "patient":
            token, _ = self.app.sessions.create(
                kind="patient", account_id=self.jordan.id,
                organization_id=self.jordan.organization_id, role="patient", now=now,
                mfa_verified=True)
            return token
        staff = self.app.staff[column]
        token, record = self.app.sessions.create(
            kind="staff", account_id=staff.id, organization_id=staff.organization_id,
            role=staff.role, now=now, mfa_verified=call.mfa_verified)
        if call.break_glass:
            with self.app.session_factory() as session:
                grant = BreakGlassGrant(organization_id=staff.organization_id, staff_id=staff.id,
                                        session_ref=record.ref, reason="matrix break-glass test",
                                        started_at=now, expires_at=now + dt.timedelta(minutes=30))
                session.add(grant)
                session.commit()
                grant_id = grant.id
            until = (now + dt.timedelta(minutes=30)).timestamp()
            self.app.sessions.save(replace(record, break_glass_until=until,
                                           break_glass_grant_id=grant_id), now)
        return token


def _slot(ctx: Context) -> dict[str, str]:
    return {"slot_id": next(ctx.slots)}


def _key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


def _verify(ctx: Context, column: str) -> Call:
    ctx.app.clock.advance(seconds=30)
    code = ctx.app.totp_code(ctx.staff_id(column)) if column in STAFF_COLUMNS else "123456"
    return Call("/v1/auth/mfa/verify", json={"code": code}, mfa_verified=False)


def _confirm(ctx: Context) -> Call:
    # Forget the pending enrolment that the enrolment row left, so the patient cell always
    # tests "no enrolment started" (409); staff accounts are enrolled already (409).
    with ctx.app.session_factory() as session:
        credential = session.get(PatientCredential, ctx.jordan.id)
        assert credential is not None
        credential.totp_secret = None
        session.commit()
    return Call("/v1/auth/mfa/totp/enrolment/confirm", json={"code": "123456"})


def _reauth(ctx: Context, column: str) -> Call:
    password = DEMO_PATIENT_PASSWORD if column == "patient" else DEMO_STAFF_PASSWORD
    return Call("/v1/auth/reauthenticate", json={"password": password})


def _staff_appointment(ctx: Context, action: str) -> Call:
    appointment_id = ctx.appointment()
    path = f"/v1/staff/patients/{ctx.jordan.id}/appointments/{appointment_id}/{action}"
    return Call(path, json=_slot(ctx) if action == "reschedule" else None)


def _terminate(ctx: Context, column: str) -> Call:
    staff = ctx.app.staff["front_desk"]
    _, record = ctx.app.sessions.create(kind="staff", account_id=staff.id,
                                        organization_id=staff.organization_id, role=staff.role,
                                        now=ctx.app.clock.now, mfa_verified=True)
    return Call(f"/v1/admin/sessions/{record.ref}")


Builder = Callable[[Context, str], Call]
BUILDERS: dict[str, Builder] = {
    "POST /v1/auth/patient-token": lambda ctx, _: Call("/v1/auth/patient-token", json={
        "email": ctx.jordan.email, "date_of_birth": ctx.jordan.date_of_birth.isoformat()}),
    "POST /v1/auth/staff/sign-in": lambda ctx, _: Call("/v1/auth/staff/sign-in", json={
        "email": ctx.app.staff["front_desk"].email, "password": DEMO_STAFF_PASSWORD}),
    "POST /v1/auth/patient/sign-in": lambda ctx, _: Call("/v1/auth/patient/sign-in", json={
        "email": ctx.jordan.email, "password": DEMO_PATIENT_PASSWORD}),
    "POST /v1/auth/mfa/totp/enrolment": lambda ctx, _: Call("/v1/auth/mfa/totp/enrolment"),
    "POST /v1/auth/mfa/totp/enrolment/confirm": lambda ctx, _: _confirm(ctx),
    "POST /v1/auth/mfa/verify": _verify,
    "GET /v1/auth/session": lambda ctx, _: Call("/v1/auth/session"),
    "POST /v1/auth/sign-out": lambda ctx, _: Call("/v1/auth/sign-out"),
    "POST /v1/auth/sign-out-everywhere": lambda ctx, _: Call("/v1/auth/sign-out-everywhere"),
    "POST /v1/auth/reauthenticate": _reauth,
    "GET /v1/auth/oidc/login": lambda ctx, _: Call("/v1/auth/oidc/login"),
    "GET /v1/auth/oidc/callback": lambda ctx, _: Call("/v1/auth/oidc/callback",
                                                      params={"code": "abc", "state": "xyz"}),
    "GET /v1/patients/me": lambda ctx, _: Call("/v1/patients/me"),
    "GET /v1/directory": lambda ctx, _: Call("/v1/directory"),
    "GET /v1/slots": lambda ctx, _: Call("/v1/slots"),
    "GET /v1/appointments": lambda ctx, _: Call("/v1/appointments"),
    "POST /v1/appointments": lambda ctx, _: Call("/v1/appointments", json=_slot(ctx),
                                                 headers=_key()),
    "GET /v1/appointments/{appointment_id}": lambda ctx, _: Call(
        f"/v1/appointments/{ctx.appointment()}"),
    "POST /v1/appointments/{appointment_id}/cancel": lambda ctx, _: Call(
        f"/v1/appointments/{ctx.appointment()}/cancel"),
    "POST /v1/appointments/{appointment_id}/reschedule": lambda ctx, _: Call(
        f"/v1/appointments/{ctx.appointment()}/reschedule", json=_slot(ctx)),
    "POST /v1/escalations": lambda ctx, _: Call("/v1/escalations", json={
        "conversation_id": uuid.uuid4().hex, "reason": "wants a person", "priority": "normal",
        "channel": "web", "summary": "synthetic summary"}),
    "GET /v1/staff/patients": lambda ctx, _: Call("/v1/staff/patients"),
    "GET /v1/staff/patients/{patient_id}": lambda ctx, _: Call(
        f"/v1/staff/patients/{ctx.jordan.id}"),
    "GET /v1/staff/slots": lambda ctx, _: Call("/v1/staff/slots"),
    "GET /v1/staff/patients/{patient_id}/appointments": lambda ctx, _: Call(
        f"/v1/staff/patients/{ctx.jordan.id}/appointments"),
    "POST /v1/staff/patients/{patient_id}/appointments": lambda ctx, _: Call(
        f"/v1/staff/patients/{ctx.jordan.id}/appointments", json=_slot(ctx), headers=_key()),
    "POST /v1/staff/patients/{patient_id}/appointments/{appointment_id}/cancel":
        lambda ctx, _: _staff_appointment(ctx, "cancel"),
    "POST /v1/staff/patients/{patient_id}/appointments/{appointment_id}/reschedule":
        lambda ctx, _: _staff_appointment(ctx, "reschedule"),
    "GET /v1/staff/escalations": lambda ctx, _: Call("/v1/staff/escalations"),
    "POST /v1/staff/escalations/{escalation_id}/claim": lambda ctx, column: Call(
        f"/v1/staff/escalations/{ctx.escalation(column, claimed=False)}/claim"),
    "POST /v1/staff/escalations/{escalation_id}/resolve": lambda ctx, column: Call(
        f"/v1/staff/escalations/{ctx.escalation(column, claimed=True)}/resolve"),
    "POST /v1/staff/escalations/{escalation_id}/hand-back": lambda ctx, column: Call(
        f"/v1/staff/escalations/{ctx.escalation(column, claimed=True)}/hand-back"),
    "POST /v1/staff/break-glass": lambda ctx, _: Call("/v1/staff/break-glass", json={
        "reason": "patient called about an urgent referral at another site"}),
    "DELETE /v1/staff/break-glass": lambda ctx, _: Call("/v1/staff/break-glass",
                                                        break_glass=True),
    "GET /v1/admin/staff": lambda ctx, _: Call("/v1/admin/staff"),
    "POST /v1/admin/staff": lambda ctx, _: Call("/v1/admin/staff", json={
        "email": f"{uuid.uuid4().hex[:12]}@example.com", "display_name": "Matrix New",
        "role": "front_desk", "password": "matrix passphrase 2027"}),
    "PUT /v1/admin/staff/{staff_id}/role": lambda ctx, _: Call(
        f"/v1/admin/staff/{ctx.new_staff()}/role", json={"role": "billing", "site_ids": []}),
    "GET /v1/admin/staff/{staff_id}/sessions": lambda ctx, _: Call(
        f"/v1/admin/staff/{ctx.app.staff['front_desk'].id}/sessions"),
    "DELETE /v1/admin/sessions/{session_id}": _terminate,
    "GET /v1/admin/exports/appointments": lambda ctx, _: Call("/v1/admin/exports/appointments"),
    "POST /v1/sms/identity/date-of-birth": lambda ctx, _: Call("/v1/sms/identity/date-of-birth",
        json={"phone": "+14085550101", "date_of_birth": ctx.jordan.date_of_birth.isoformat()}),
    "POST /v1/sms/identity/codes": lambda ctx, _: Call("/v1/sms/identity/codes",
                                                       json={"phone": "+14085550101"}),
    "POST /v1/sms/identity/codes/verify": lambda ctx, _: Call(
        "/v1/sms/identity/codes/verify", json={"phone": "+14085550101", "code": "123456"}),
    "POST /v1/sms/consent": lambda ctx, _: Call("/v1/sms/consent", json={
        "phone": "+14085550101", "opted_out": True, "source": "sms_keyword"}),
    "POST /v1/sms/consent/status": lambda ctx, _: Call("/v1/sms/consent/status",
                                                       json={"phone": "+14085550101"}),
    "POST /v1/sms/reminders/claim": lambda ctx, _: Call("/v1/sms/reminders/claim", json={}),
    "POST /v1/sms/reminders/{reminder_id}/result": lambda ctx, _: Call(
        "/v1/sms/reminders/1/result", json={"sent": True}),
    "POST /v1/sms/reminders/latest": lambda ctx, _: Call("/v1/sms/reminders/latest",
                                                         json={"phone": "+14085550101"}),
    "POST /v1/sms/reminders/{reminder_id}/reply": lambda ctx, _: Call(
        "/v1/sms/reminders/1/reply", json={"action": "confirmed"}),
}


def schema_operations(app: AuthApp) -> set[str]:
    """Return "METHOD path" of every operation in the served OpenAPI schema."""
    schema = app.client.get("/openapi.json").json()
    return {f"{method.upper()} {path}" for path, item in schema["paths"].items()
            for method in item}


def _slot_pool(app: AuthApp) -> Iterator[str]:
    token, _ = app.sessions.create(kind="staff", account_id=app.staff["admin"].id,
                                   organization_id=app.staff["admin"].organization_id,
                                   role="admin", now=app.clock.now, mfa_verified=True)
    start = app.clock.now.date() + dt.timedelta(days=1)
    directory = app.client.get("/v1/directory", headers=bearer(app.sessions.create(
        kind="patient", account_id=app.patients[0].id,
        organization_id=app.patients[0].organization_id, role="patient", now=app.clock.now,
        mfa_verified=True)[0])).json()
    # One appointment type on its own grid, so no two pooled slots overlap.
    follow_up = next(item["id"] for item in directory["appointment_types"]
                     if item["name"] == "Follow-up visit")
    slot_ids: list[str] = []
    for offset in (0, 14):
        response = app.client.get("/v1/staff/slots", headers=bearer(token), params={
            "site_id": app.sites["Sunnyvale Clinic"], "limit": 100,
            "appointment_type_id": follow_up,
            "start_date": (start + dt.timedelta(days=offset)).isoformat()})
        assert response.status_code == 200, response.text
        slot_ids += [slot["slot_id"] for slot in response.json()["slots"]]
    return iter(dict.fromkeys(slot_ids))


def test_matrix_covers_every_endpoint(auth_app_db: AuthApp) -> None:
    _, rows = read_matrix()
    operations = schema_operations(auth_app_db)
    assert sorted(operations - set(rows)) == [], "endpoints without a row in docs/permissions.md"
    assert sorted(set(rows) - operations) == [], "rows in docs/permissions.md without endpoint"
    assert sorted(operations - set(BUILDERS)) == [], "endpoints without a request builder"


def test_permission_matrix(auth_app_db: AuthApp) -> None:
    columns, rows = read_matrix()
    assert columns == ["anonymous", "patient", *STAFF_COLUMNS]
    ctx = Context(auth_app_db, _slot_pool(auth_app_db))
    failures = []
    for operation, expected in rows.items():
        method = operation.split(" ", 1)[0]
        for column, status in expected.items():
            call = BUILDERS[operation](ctx, column)
            token = ctx.token(column, call)
            headers = {**call.headers, **(bearer(token) if token else {})}
            auth_app_db.client.cookies.clear()  # sign-in responses set a session cookie
            response = auth_app_db.client.request(method, call.path, json=call.json,
                                                  params=call.params, headers=headers,
                                                  follow_redirects=False)
            if response.status_code != status:
                failures.append(f"{operation} as {column}: expected {status}, got "
                                f"{response.status_code} {response.text[:160]}")
    assert failures == []
