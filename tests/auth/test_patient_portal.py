"""Patient portal sign-in: password sessions, optional TOTP, and use on patient endpoints."""

from __future__ import annotations

import pyotp

from scheduling.seed import DEMO_PATIENT_PASSWORD
from tests.auth.conftest import AuthApp, bearer


def _sign_in(app: AuthApp, password: str = DEMO_PATIENT_PASSWORD):
    return app.client.post("/v1/auth/patient/sign-in",
                           json={"email": app.patients[0].email, "password": password})


def test_patient_session_reaches_own_data(auth_app: AuthApp) -> None:
    response = _sign_in(auth_app)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["kind"] == "patient"
    assert body["mfa_required"] is False
    assert body["idle_timeout_seconds"] == 15 * 60
    me = auth_app.client.get("/v1/patients/me", headers=bearer(body["session_token"]))
    assert me.status_code == 200
    assert me.json()["id"] == auth_app.patients[0].id


def test_patient_session_lasts_an_hour(auth_app: AuthApp) -> None:
    token = _sign_in(auth_app).json()["session_token"]
    for _ in range(4):
        auth_app.clock.advance(minutes=14)
        assert auth_app.client.get("/v1/patients/me", headers=bearer(token)).status_code == 200
    auth_app.clock.advance(minutes=4)
    assert auth_app.client.get("/v1/patients/me", headers=bearer(token)).status_code == 401


def test_wrong_patient_password_generic(auth_app: AuthApp) -> None:
    wrong = _sign_in(auth_app, "not the password")
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "invalid_credentials"


def test_patient_optional_totp(auth_app: AuthApp) -> None:
    token = _sign_in(auth_app).json()["session_token"]
    secret = auth_app.client.post("/v1/auth/mfa/totp/enrolment",
                                  headers=bearer(token)).json()["secret"]
    confirmed = auth_app.client.post(
        "/v1/auth/mfa/totp/enrolment/confirm",
        json={"code": pyotp.TOTP(secret).at(auth_app.clock.now)}, headers=bearer(token))
    assert confirmed.status_code == 200, confirmed.text

    auth_app.clock.advance(seconds=30)
    pending = _sign_in(auth_app).json()
    assert pending["mfa_required"] is True
    blocked = auth_app.client.get("/v1/patients/me", headers=bearer(pending["session_token"]))
    assert blocked.status_code == 401
    verified = auth_app.client.post("/v1/auth/mfa/verify",
                                    json={"code": pyotp.TOTP(secret).at(auth_app.clock.now)},
                                    headers=bearer(pending["session_token"]))
    assert verified.status_code == 200, verified.text
    me = auth_app.client.get("/v1/patients/me",
                             headers=bearer(verified.json()["session_token"]))
    assert me.status_code == 200


def test_patient_session_not_staff(auth_app: AuthApp) -> None:
    token = _sign_in(auth_app).json()["session_token"]
    response = auth_app.client.get("/v1/staff/patients", headers=bearer(token))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "staff_only"
