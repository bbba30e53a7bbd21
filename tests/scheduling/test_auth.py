"""Sign-in and bearer tokens: expired, tampered, foreign and missing tokens get 401."""

from __future__ import annotations

import base64
import datetime as dt
import json

import httpx
import jwt
import pytest

from tests.fixtures.services import SchedulingServer
from tests.scheduling.conftest import assert_error

PROTECTED = [
    ("GET", "/v1/patients/me"),
    ("GET", "/v1/directory"),
    ("GET", "/v1/slots"),
    ("GET", "/v1/appointments"),
    ("GET", "/v1/appointments/1"),
    ("POST", "/v1/appointments/1/cancel"),
]


def _get_me(server: SchedulingServer, token: str) -> httpx.Response:
    return httpx.get(f"{server.base_url}/v1/patients/me",
                     headers={"Authorization": f"Bearer {token}"})


def test_sign_in_returns_token(scheduling_server: SchedulingServer) -> None:
    patient = scheduling_server.patients[0]
    response = httpx.post(f"{scheduling_server.base_url}/v1/auth/patient-token",
                          json={"email": patient.email.upper(),
                                "date_of_birth": patient.date_of_birth.isoformat()})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    assert body["patient_id"] == patient.id
    assert _get_me(scheduling_server, body["access_token"]).json()["id"] == patient.id

    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert set(claims) == {"sub", "role", "org", "iat", "exp", "jti"}
    assert claims["role"] == "patient"


def test_sign_in_failure_is_generic(scheduling_server: SchedulingServer) -> None:
    patient = scheduling_server.patients[0]
    url = f"{scheduling_server.base_url}/v1/auth/patient-token"
    wrong_birth = httpx.post(url, json={"email": patient.email, "date_of_birth": "1900-01-01"})
    wrong_email = httpx.post(url, json={"email": "nobody@example.com",
                                        "date_of_birth": patient.date_of_birth.isoformat()})

    first = assert_error(wrong_birth, 401, "invalid_credentials")
    second = assert_error(wrong_email, 401, "invalid_credentials")
    assert first["message"] == second["message"]
    assert patient.email not in first["message"]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_missing_token_rejected(scheduling_server: SchedulingServer, method: str,
                                path: str) -> None:
    response = httpx.request(method, scheduling_server.base_url + path)
    assert_error(response, 401, "invalid_token")


def test_expired_token_rejected(scheduling_server: SchedulingServer) -> None:
    patient = scheduling_server.patients[0]
    issued = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    token = scheduling_server.token_for(patient, now=issued)
    assert_error(_get_me(scheduling_server, token), 401, "invalid_token")


def test_tampered_token_rejected(scheduling_server: SchedulingServer) -> None:
    first, second = scheduling_server.patients[:2]
    header, payload, signature = scheduling_server.token_for(first).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = str(second.id)
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()

    assert_error(_get_me(scheduling_server, f"{header}.{forged}.{signature}"), 401,
                 "invalid_token")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert_error(_get_me(scheduling_server, f"{header}.{payload}.{flipped}"), 401,
                 "invalid_token")


def test_foreign_tokens_rejected(scheduling_server: SchedulingServer) -> None:
    patient = scheduling_server.patients[0]
    now = dt.datetime.now(dt.timezone.utc)
    claims = {"sub": str(patient.id), "role": "patient", "org": patient.organization_id,
              "iat": now, "exp": now + dt.timedelta(minutes=5), "jti": "x"}
    other_secret = jwt.encode(claims, "another-secret-of-sufficient-length-32b", "HS256")
    unsigned = jwt.encode(claims, None, algorithm="none")
    staff = jwt.encode({**claims, "role": "staff"}, scheduling_server.settings.token_secret,
                       "HS256")
    no_expiry = jwt.encode({key: value for key, value in claims.items() if key != "exp"},
                           scheduling_server.settings.token_secret, "HS256")

    for token in (other_secret, unsigned, staff, no_expiry, "not-a-jwt"):
        assert_error(_get_me(scheduling_server, token), 401, "invalid_token")


def test_wrong_scheme_rejected(scheduling_server: SchedulingServer) -> None:
    token = scheduling_server.token_for(scheduling_server.patients[0])
    response = httpx.get(f"{scheduling_server.base_url}/v1/patients/me",
                         headers={"Authorization": f"Basic {token}"})
    assert_error(response, 401, "invalid_token")
