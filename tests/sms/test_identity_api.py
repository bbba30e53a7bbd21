"""The scheduling API's /v1/sms endpoints: the channel credential and per-number limits."""

from __future__ import annotations

import httpx
import pytest

from tests.sms.conftest import CASEY, CHANNEL_SECRET, UNKNOWN

CHANNEL = {"Authorization": f"Bearer {CHANNEL_SECRET}"}


def post(server, path: str, body: dict, headers: dict | None = None) -> httpx.Response:
    return httpx.post(server.base_url + path, json=body, headers=headers or CHANNEL, timeout=10)


def test_channel_secret_reaches_nothing_else(sms_server):
    for path in ("/v1/patients/me", "/v1/appointments", "/v1/staff/patients", "/v1/auth/session"):
        response = httpx.get(sms_server.base_url + path, headers=CHANNEL, timeout=10)
        assert response.status_code == 401, path


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong-secret-of-enough-length-0000000"}])
def test_sms_endpoints_need_channel_secret(sms_server, headers):
    response = post(sms_server, "/v1/sms/consent/status", {"phone": CASEY}, headers=headers or {"X": "1"})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_channel_credential"


def test_patient_token_cannot_use_sms_endpoints(sms_server):
    headers = sms_server.headers_for(sms_server.patients[0])

    response = post(sms_server, "/v1/sms/identity/codes", {"phone": CASEY}, headers=headers)

    assert response.status_code == 401


def test_verified_token_reads_own_record(sms_server):
    response = post(sms_server, "/v1/sms/identity/date-of-birth", {"phone": "(617) 555-0103",
                                                                   "date_of_birth": "1999-01-05"})
    token = response.json()["access_token"]

    me = httpx.get(sms_server.base_url + "/v1/patients/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)

    assert response.status_code == 200
    assert me.json()["id"] == sms_server.patients[2].id


def test_failures_look_identical(sms_server):
    unknown = post(sms_server, "/v1/sms/identity/date-of-birth", {"phone": UNKNOWN, "date_of_birth": "1999-01-05"})
    wrong = post(sms_server, "/v1/sms/identity/date-of-birth", {"phone": CASEY, "date_of_birth": "1999-01-06"})

    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()


def test_number_locks_after_failures(sms_server):
    for _ in range(5):
        post(sms_server, "/v1/sms/identity/date-of-birth", {"phone": CASEY, "date_of_birth": "1999-01-06"})

    locked = post(sms_server, "/v1/sms/identity/date-of-birth", {"phone": CASEY, "date_of_birth": "1999-01-05"})
    other = post(sms_server, "/v1/sms/identity/date-of-birth", {"phone": "+14085550101", "date_of_birth": "1985-04-12"})

    assert locked.status_code == 429
    assert "Retry-After" in locked.headers
    assert other.status_code == 200


def test_code_answer_has_same_shape_for_unknown_number(sms_server):
    known = post(sms_server, "/v1/sms/identity/codes", {"phone": CASEY}).json()
    unknown = post(sms_server, "/v1/sms/identity/codes", {"phone": UNKNOWN}).json()

    assert set(known) == set(unknown) == {"phone", "code", "expires_in"}


def test_code_works_within_attempts(sms_server):
    code = post(sms_server, "/v1/sms/identity/codes", {"phone": CASEY}).json()["code"]
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    for _ in range(4):
        post(sms_server, "/v1/sms/identity/codes/verify", {"phone": CASEY, "code": wrong})

    late = post(sms_server, "/v1/sms/identity/codes/verify", {"phone": CASEY, "code": code})

    assert late.status_code == 200


def test_code_is_spent_after_max_attempts(sms_server):
    from sqlalchemy import select

    from scheduling.sms_models import SmsOneTimeCode

    code = post(sms_server, "/v1/sms/identity/codes", {"phone": CASEY}).json()["code"]
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    for _ in range(5):
        post(sms_server, "/v1/sms/identity/codes/verify", {"phone": CASEY, "code": wrong})

    late = post(sms_server, "/v1/sms/identity/codes/verify", {"phone": CASEY, "code": code})

    with sms_server.session_factory() as session:
        row = session.scalars(select(SmsOneTimeCode)).one()
    assert late.status_code == 429
    assert row.attempts == 5
    assert row.used_at is not None


def test_invalid_phone_is_rejected(sms_server):
    response = post(sms_server, "/v1/sms/consent/status", {"phone": "12345678"})

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "phone"
