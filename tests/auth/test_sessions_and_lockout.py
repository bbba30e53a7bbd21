"""Idle and absolute session expiry, lockout with backoff, and re-authentication."""

from __future__ import annotations

from scheduling.seed import DEMO_STAFF_PASSWORD
from tests.auth.conftest import AuthApp, bearer


def _session_status(app: AuthApp, token: str) -> int:
    return app.client.get("/v1/auth/session", headers=bearer(token)).status_code


def test_idle_session_expires(auth_app: AuthApp) -> None:
    token = auth_app.staff_token("front_desk")
    auth_app.clock.advance(minutes=14)
    assert _session_status(auth_app, token) == 200
    auth_app.clock.advance(minutes=14)
    assert _session_status(auth_app, token) == 200
    auth_app.clock.advance(minutes=15, seconds=1)
    response = auth_app.client.get("/v1/staff/patients", headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_session"


def test_admin_idle_timeout_shorter(auth_app: AuthApp) -> None:
    admin = auth_app.staff_token("admin")
    desk = auth_app.staff_token("front_desk")
    auth_app.clock.advance(minutes=11)
    assert _session_status(auth_app, admin) == 401
    assert _session_status(auth_app, desk) == 200


def test_absolute_lifetime_ends_session(auth_app: AuthApp) -> None:
    token = auth_app.staff_token("clinician")
    for _ in range(47):
        auth_app.clock.advance(minutes=10)
        assert _session_status(auth_app, token) == 200
    auth_app.clock.advance(minutes=10)
    assert _session_status(auth_app, token) == 401


def test_pending_mfa_session_short(auth_app: AuthApp) -> None:
    pending = auth_app.sign_in(auth_app.staff["billing"].email)
    auth_app.clock.advance(minutes=10, seconds=1)
    assert _session_status(auth_app, pending["session_token"]) == 401


def _attempt(app: AuthApp, email: str, password: str):
    return app.client.post("/v1/auth/staff/sign-in", json={"email": email, "password": password})


def test_locked_account_stays_locked(auth_app: AuthApp) -> None:
    email = auth_app.staff["front_desk"].email
    for _ in range(4):
        assert _attempt(auth_app, email, "wrong password 123").status_code == 401
    fifth = _attempt(auth_app, email, "wrong password 123")
    assert fifth.status_code == 401

    locked = _attempt(auth_app, email, DEMO_STAFF_PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "too_many_attempts"
    assert locked.headers["Retry-After"] == "60"

    auth_app.clock.advance(seconds=59)
    assert _attempt(auth_app, email, DEMO_STAFF_PASSWORD).status_code == 429
    auth_app.clock.advance(seconds=2)
    assert _attempt(auth_app, email, "wrong password 123").status_code == 401
    doubled = _attempt(auth_app, email, DEMO_STAFF_PASSWORD)
    assert doubled.status_code == 429
    assert doubled.headers["Retry-After"] == "120"

    auth_app.clock.advance(seconds=121)
    assert _attempt(auth_app, email, DEMO_STAFF_PASSWORD).status_code == 200
    assert any(name == "auth.lockout" and fields["alert"] for name, fields in auth_app.events)


def test_unknown_account_looks_the_same(auth_app: AuthApp) -> None:
    real = _attempt(auth_app, auth_app.staff["clinician"].email, "wrong password 123")
    unknown = _attempt(auth_app, "nobody.here@example.com", "wrong password 123")
    assert real.status_code == unknown.status_code == 401
    assert real.json() == unknown.json()
    for _ in range(4):
        _attempt(auth_app, "nobody.here@example.com", "wrong password 123")
    assert _attempt(auth_app, "nobody.here@example.com", "x").status_code == 429


def test_address_limit_spans_accounts(auth_app: AuthApp) -> None:
    for number in range(20):
        _attempt(auth_app, f"guess{number}@example.com", "wrong password 123")
    blocked = _attempt(auth_app, auth_app.staff["admin"].email, DEMO_STAFF_PASSWORD)
    assert blocked.status_code == 429


def test_patient_token_rate_limited(auth_app: AuthApp) -> None:
    patient = auth_app.patients[0]
    body = {"email": patient.email, "date_of_birth": "1900-01-01"}
    for _ in range(5):
        assert auth_app.client.post("/v1/auth/patient-token", json=body).status_code == 401
    good = {"email": patient.email, "date_of_birth": patient.date_of_birth.isoformat()}
    assert auth_app.client.post("/v1/auth/patient-token", json=good).status_code == 429


def test_role_change_needs_reauth(auth_app: AuthApp) -> None:
    admin = auth_app.staff_token("admin")
    target = auth_app.staff["billing"].id
    body = {"role": "front_desk", "site_ids": [auth_app.sites["Sunnyvale Clinic"]]}
    auth_app.clock.advance(minutes=6)
    stale = auth_app.client.put(f"/v1/admin/staff/{target}/role", json=body,
                                headers=bearer(admin))
    assert stale.status_code == 403
    assert stale.json()["error"]["code"] == "reauthentication_required"

    wrong = auth_app.client.post("/v1/auth/reauthenticate", json={"password": "not it at all"},
                                 headers=bearer(admin))
    assert wrong.status_code == 401
    fresh = auth_app.client.post("/v1/auth/reauthenticate",
                                 json={"code": auth_app.totp_code(auth_app.staff["admin"].id, 1)},
                                 headers=bearer(admin))
    assert fresh.status_code == 200, fresh.text
    changed = auth_app.client.put(f"/v1/admin/staff/{target}/role", json=body,
                                  headers=bearer(admin))
    assert changed.status_code == 200, changed.text
    assert changed.json()["role"] == "front_desk"


def test_role_change_ends_sessions(auth_app: AuthApp) -> None:
    billing = auth_app.staff_token("billing")
    admin = auth_app.staff_token("admin")
    target = auth_app.staff["billing"].id
    response = auth_app.client.put(f"/v1/admin/staff/{target}/role", headers=bearer(admin),
                                   json={"role": "clinician", "site_ids": []})
    assert response.status_code == 200, response.text
    assert _session_status(auth_app, billing) == 401


def test_admin_terminates_session(auth_app: AuthApp) -> None:
    desk = auth_app.staff_token("front_desk")
    admin = auth_app.staff_token("admin")
    staff_id = auth_app.staff["front_desk"].id
    listed = auth_app.client.get(f"/v1/admin/staff/{staff_id}/sessions", headers=bearer(admin))
    assert listed.status_code == 200
    sessions = listed.json()
    assert len(sessions) == 1
    session_id = sessions[0]["session_id"]
    ended = auth_app.client.delete(f"/v1/admin/sessions/{session_id}", headers=bearer(admin))
    assert ended.status_code == 204
    assert _session_status(auth_app, desk) == 401
    again = auth_app.client.delete(f"/v1/admin/sessions/{session_id}", headers=bearer(admin))
    assert again.status_code == 404


def test_bad_session_id_is_422(auth_app: AuthApp) -> None:
    admin = auth_app.staff_token("admin")
    response = auth_app.client.delete("/v1/admin/sessions/not-a-session", headers=bearer(admin))
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "session_id"
