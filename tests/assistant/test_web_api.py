"""Bad input to the chat API over real HTTP: each case gets one JSON error shape, never a 500."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest

from scheduling.security import issue_patient_token
from tests.fixtures.web import WebAppServer

MAX_MESSAGE_CHARS = 2000
# A message a patient could type, so the tests can check it is never echoed in an error.
PRIVATE_TEXT = "my rash came back after chemo"


def assert_error(response: httpx.Response, status: int, code: str, field: str | None = None) -> dict:
    """Check the status and the {"error": {"code", "message", "field"}} body; return the error."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "field"}, error
    assert error["code"] == code, error
    assert error["field"] == field, error
    assert isinstance(error["message"], str)
    assert error["message"].strip(), error
    return error


@pytest.fixture
def http(web_app_server: WebAppServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=web_app_server.base_url, timeout=15) as client:
        yield client


@pytest.fixture
def first_patient_headers(web_app_server: WebAppServer) -> dict[str, str]:
    return web_app_server.headers_for(web_app_server.patients[0])


@pytest.fixture
def conversation_id(http: httpx.Client, first_patient_headers: dict[str, str]) -> str:
    response = http.post("/api/conversations", headers=first_patient_headers)
    assert response.status_code == 201, response.text
    return response.json()["conversation_id"]


def messages_path(conversation_id: str) -> str:
    return f"/api/conversations/{conversation_id}/messages"


def test_start_without_token(http):
    assert_error(http.post("/api/conversations"), 401, "invalid_token")


def test_message_without_token(http, conversation_id):
    response = http.post(messages_path(conversation_id), json={"text": "hello"})

    assert_error(response, 401, "invalid_token")


@pytest.mark.parametrize("authorization", [
    "Bearer not-a-jwt",
    "Bearer",
    "Basic dXNlcjpwYXNz",
    "bearer.only",
])
def test_malformed_token(http, conversation_id, authorization):
    headers = {"Authorization": authorization}

    assert_error(http.post("/api/conversations", headers=headers), 401, "invalid_token")
    response = http.post(messages_path(conversation_id), json={"text": "hello"}, headers=headers)
    assert_error(response, 401, "invalid_token")


def test_token_signed_with_other_secret(http, web_app_server, conversation_id):
    patient = web_app_server.patients[0]
    forged_settings = web_app_server.settings.model_copy(
        update={"token_secret": "another-secret-that-is-long-enough-for-hs256"})
    forged = issue_patient_token(patient.id, patient.organization_id, forged_settings)
    response = http.post(messages_path(conversation_id), json={"text": "hello"},
                         headers={"Authorization": f"Bearer {forged}"})

    assert_error(response, 401, "invalid_token")


def test_expired_token(http, web_app_server, conversation_id):
    patient = web_app_server.patients[0]
    issued = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2)
    expired = web_app_server.token_for(patient, now=issued)

    response = http.post(messages_path(conversation_id), json={"text": "hello"},
                         headers={"Authorization": f"Bearer {expired}"})

    assert_error(response, 401, "invalid_token")


def test_other_patients_conversation_is_not_found(http, web_app_server, conversation_id,
                                                  first_patient_headers):
    intruder = web_app_server.headers_for(web_app_server.patients[1])

    response = http.post(messages_path(conversation_id), json={"text": "what appointments do I have"},
                         headers=intruder)

    error = assert_error(response, 404, "conversation_not_found")
    unknown = http.post(messages_path("0" * 32), json={"text": "hello"}, headers=intruder)
    assert error["message"].replace(conversation_id, "<id>") == \
        unknown.json()["error"]["message"].replace("0" * 32, "<id>")
    owner = http.post(messages_path(conversation_id), json={"text": "hello"},
                      headers=first_patient_headers)
    assert owner.status_code == 200, owner.text


@pytest.mark.parametrize("unknown_id", ["0" * 32, "no-such-conversation", "%20"])
def test_unknown_conversation(http, first_patient_headers, unknown_id):
    response = http.post(messages_path(unknown_id), json={"text": "hello"},
                         headers=first_patient_headers)

    assert_error(response, 404, "conversation_not_found")


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_empty_text(http, conversation_id, first_patient_headers, text):
    response = http.post(messages_path(conversation_id), json={"text": text},
                         headers=first_patient_headers)

    error = assert_error(response, 422, "invalid_message", field="text")
    assert "empty" in error["message"]


def test_text_over_limit(http, conversation_id, first_patient_headers):
    text = "a" * (MAX_MESSAGE_CHARS + 1)

    response = http.post(messages_path(conversation_id), json={"text": text},
                         headers=first_patient_headers)

    error = assert_error(response, 422, "invalid_message", field="text")
    assert str(MAX_MESSAGE_CHARS + 1) in error["message"]
    assert str(MAX_MESSAGE_CHARS) in error["message"].replace(str(MAX_MESSAGE_CHARS + 1), "")


def test_text_at_limit_is_accepted(http, conversation_id, first_patient_headers):
    text = "book a checkup " + "a" * (MAX_MESSAGE_CHARS - len("book a checkup "))

    response = http.post(messages_path(conversation_id), json={"text": text},
                         headers=first_patient_headers)

    assert response.status_code == 200, response.text
    assert set(response.json()) == {"reply", "tool_calls", "handoff"}


@pytest.mark.parametrize("content", [
    b'{"text": ',
    b'{"text": "hello"',
    b"text=hello",
    b"\xff\xfe",
])
def test_malformed_json_body(http, conversation_id, first_patient_headers, content):
    response = http.post(messages_path(conversation_id), content=content,
                         headers={**first_patient_headers, "Content-Type": "application/json"})

    error = assert_error(response, 422, "invalid_request")
    assert "JSON" in error["message"]


def test_missing_body(http, conversation_id, first_patient_headers):
    response = http.post(messages_path(conversation_id), headers=first_patient_headers)

    assert_error(response, 422, "invalid_request")


def test_missing_text_field(http, conversation_id, first_patient_headers):
    response = http.post(messages_path(conversation_id), json={"message": PRIVATE_TEXT},
                         headers=first_patient_headers)

    error = assert_error(response, 422, "invalid_request", field="text")
    assert "required" in error["message"]
    assert PRIVATE_TEXT not in response.text


@pytest.mark.parametrize("value", [12345, None, True, [PRIVATE_TEXT], {"body": PRIVATE_TEXT}])
def test_text_of_wrong_type(http, conversation_id, first_patient_headers, value):
    response = http.post(messages_path(conversation_id), json={"text": value},
                         headers=first_patient_headers)

    assert_error(response, 422, "invalid_request", field="text")
    assert PRIVATE_TEXT not in response.text
    assert "12345" not in response.text


@pytest.mark.parametrize("body", [[], "hello", 42, None])
def test_body_not_an_object(http, conversation_id, first_patient_headers, body):
    response = http.post(messages_path(conversation_id), json=body, headers=first_patient_headers)

    assert_error(response, 422, "invalid_request")


def test_unknown_path(http):
    assert_error(http.post("/api/no-such-endpoint"), 404, "not_found")


def test_wrong_method(http, conversation_id):
    assert_error(http.get(messages_path(conversation_id)), 405, "method_not_allowed")


def test_valid_turn_after_errors(http, conversation_id, first_patient_headers):
    for body in ({"text": ""}, {"text": 5}, {"text": "x" * (MAX_MESSAGE_CHARS + 1)}):
        rejected = http.post(messages_path(conversation_id), json=body, headers=first_patient_headers)
        assert rejected.status_code == 422, rejected.text

    response = http.post(messages_path(conversation_id), json={"text": "what appointments do I have"},
                         headers=first_patient_headers)

    assert response.status_code == 200, response.text
    assert [call["name"] for call in response.json()["tool_calls"]] == ["list_appointments"]
