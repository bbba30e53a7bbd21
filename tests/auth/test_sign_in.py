"""Staff sign-in with TOTP: enrolment, verification, recovery codes, cookies and sign-out."""

from __future__ import annotations

import base64

import pyotp
from sqlalchemy import select

from scheduling.account_models import RecoveryCode, StaffMember
from scheduling.seed import DEMO_STAFF_PASSWORD
from tests.auth.conftest import AuthApp, bearer


def _new_front_desk(app: AuthApp) -> tuple[int, str]:
    """Create a staff member without TOTP through the admin API; return id and email."""
    admin = app.staff_token("admin")
    response = app.client.post("/v1/admin/staff", headers=bearer(admin), json={
        "email": "new.desk@example.com", "display_name": "Robin Newdesk", "role": "front_desk",
        "site_ids": [app.sites["Sunnyvale Clinic"]], "password": "a fresh passphrase 42"})
    assert response.status_code == 201, response.text
    return response.json()["id"], "new.desk@example.com"


def test_staff_without_mfa_only_enrols(auth_app: AuthApp) -> None:
    _, email = _new_front_desk(auth_app)
    pending = auth_app.sign_in(email, "a fresh passphrase 42")
    assert pending["mfa_required"] is True
    assert pending["mfa_enrolled"] is False
    token = pending["session_token"]

    for method, path in [("GET", "/v1/staff/patients"), ("GET", "/v1/staff/escalations"),
                         ("GET", "/v1/admin/staff")]:
        denied = auth_app.client.request(method, path, headers=bearer(token))
        assert denied.status_code == 403, path
        assert denied.json()["error"]["code"] == "mfa_required"
    assert auth_app.client.get("/v1/auth/session", headers=bearer(token)).status_code == 200

    enrolment = auth_app.client.post("/v1/auth/mfa/totp/enrolment", headers=bearer(token))
    assert enrolment.status_code == 200, enrolment.text
    body = enrolment.json()
    assert body["otpauth_uri"].startswith("otpauth://totp/")
    assert body["qr_code"].startswith("data:image/svg+xml;base64,")
    assert b"<svg" in base64.b64decode(body["qr_code"].split(",", 1)[1])

    code = pyotp.TOTP(body["secret"]).at(auth_app.clock.now)
    wrong = auth_app.client.post("/v1/auth/mfa/totp/enrolment/confirm", json={"code": "000000"},
                                 headers=bearer(token))
    assert wrong.status_code == 401
    confirmed = auth_app.client.post("/v1/auth/mfa/totp/enrolment/confirm",
                                     json={"code": code}, headers=bearer(token))
    assert confirmed.status_code == 200, confirmed.text
    verified = confirmed.json()
    assert verified["mfa_required"] is False
    assert len(verified["recovery_codes"]) == 10
    assert len(set(verified["recovery_codes"])) == 10

    old = auth_app.client.get("/v1/staff/patients", headers=bearer(token))
    assert old.status_code == 401
    new = auth_app.client.get("/v1/staff/patients", headers=bearer(verified["session_token"]))
    assert new.status_code == 200, new.text


def test_enrolled_staff_cannot_reenrol(auth_app: AuthApp) -> None:
    pending = auth_app.sign_in(auth_app.staff["front_desk"].email)
    assert pending["mfa_enrolled"] is True
    response = auth_app.client.post("/v1/auth/mfa/totp/enrolment",
                                    headers=bearer(pending["session_token"]))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "mfa_already_enrolled"


def test_totp_code_not_reusable(auth_app: AuthApp) -> None:
    staff = auth_app.staff["clinician"]
    code = auth_app.totp_code(staff.id)
    first = auth_app.sign_in(staff.email)["session_token"]
    second = auth_app.sign_in(staff.email)["session_token"]
    ok = auth_app.client.post("/v1/auth/mfa/verify", json={"code": code}, headers=bearer(first))
    assert ok.status_code == 200, ok.text
    replay = auth_app.client.post("/v1/auth/mfa/verify", json={"code": code},
                                  headers=bearer(second))
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "invalid_code"


def test_recovery_code_single_use(auth_app: AuthApp) -> None:
    _, email = _new_front_desk(auth_app)
    token = auth_app.sign_in(email, "a fresh passphrase 42")["session_token"]
    secret = auth_app.client.post("/v1/auth/mfa/totp/enrolment",
                                  headers=bearer(token)).json()["secret"]
    confirmed = auth_app.client.post(
        "/v1/auth/mfa/totp/enrolment/confirm",
        json={"code": pyotp.TOTP(secret).at(auth_app.clock.now)}, headers=bearer(token)).json()
    recovery = confirmed["recovery_codes"][0]

    with auth_app.session_factory() as session:
        stored = session.scalars(select(RecoveryCode.code_hash)).all()
    assert recovery not in stored
    assert len(stored) == 10

    first = auth_app.sign_in(email, "a fresh passphrase 42")["session_token"]
    used = auth_app.client.post("/v1/auth/mfa/verify", json={"recovery_code": recovery.upper()},
                                headers=bearer(first))
    assert used.status_code == 200, used.text
    second = auth_app.sign_in(email, "a fresh passphrase 42")["session_token"]
    again = auth_app.client.post("/v1/auth/mfa/verify", json={"recovery_code": recovery},
                                 headers=bearer(second))
    assert again.status_code == 401


def test_verify_needs_exactly_one_code(auth_app: AuthApp) -> None:
    token = auth_app.sign_in(auth_app.staff["billing"].email)["session_token"]
    response = auth_app.client.post("/v1/auth/mfa/verify", json={}, headers=bearer(token))
    assert response.status_code == 422
    assert "exactly one" in response.json()["error"]["message"]


def test_totp_secret_encrypted_at_rest(auth_app: AuthApp) -> None:
    staff = auth_app.staff["front_desk"]
    with auth_app.session_factory() as session:
        row = session.get(StaffMember, staff.id)
        assert row is not None
        assert row.totp_secret is not None
        assert auth_app.totp_secrets[staff.id] not in row.totp_secret
        assert row.password_hash is not None
        assert row.password_hash.startswith("$argon2id$")


def test_sign_in_sets_strict_cookie(auth_app: AuthApp) -> None:
    response = auth_app.client.post("/v1/auth/staff/sign-in", json={
        "email": auth_app.staff["admin"].email, "password": DEMO_STAFF_PASSWORD})
    cookie = response.headers["set-cookie"]
    assert "clinic_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # the test client speaks http

    token = response.json()["session_token"]
    auth_app.client.cookies.set("clinic_session", token)
    by_cookie = auth_app.client.get("/v1/auth/session")
    auth_app.client.cookies.clear()
    assert by_cookie.status_code == 200
    assert by_cookie.json()["mfa_verified"] is False


def test_sign_out_ends_session(auth_app: AuthApp) -> None:
    token = auth_app.staff_token("front_desk")
    assert auth_app.client.post("/v1/auth/sign-out", headers=bearer(token)).status_code == 204
    assert auth_app.client.get("/v1/auth/session", headers=bearer(token)).status_code == 401


def test_sign_out_everywhere(auth_app: AuthApp) -> None:
    first = auth_app.staff_token("clinician")
    second = auth_app.staff_token("clinician")
    response = auth_app.client.post("/v1/auth/sign-out-everywhere", headers=bearer(second))
    assert response.status_code == 200
    assert response.json()["ended_sessions"] == 2
    assert auth_app.client.get("/v1/auth/session", headers=bearer(first)).status_code == 401


def test_session_store_holds_no_token(auth_app: AuthApp) -> None:
    token = auth_app.staff_token("admin")
    info = auth_app.client.get("/v1/auth/session", headers=bearer(token)).json()
    assert info["session_id"] != token
    assert auth_app.sessions.store.get(f"session:{token}") is None
    assert auth_app.sessions.store.get(f"session:{info['session_id']}") is not None


def test_sign_in_events_carry_source(auth_app: AuthApp) -> None:
    headers = {"User-Agent": "clinic-test-browser/1.0"}
    auth_app.client.post("/v1/auth/staff/sign-in", headers=headers,
                         json={"email": "front.desk@example.com", "password": "wrong password here"})
    auth_app.client.post("/v1/auth/staff/sign-in", headers=headers,
                         json={"email": "front.desk@example.com", "password": DEMO_STAFF_PASSWORD})

    sign_ins = {name: fields for name, fields in auth_app.events if name.startswith("auth.sign_in")}

    assert set(sign_ins) == {"auth.sign_in", "auth.sign_in_failed"}
    for fields in sign_ins.values():
        assert fields["ip"]
        assert fields["user_agent"] == "clinic-test-browser/1.0"
