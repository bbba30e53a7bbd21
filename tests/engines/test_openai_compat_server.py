"""The OpenAI-compatible server over loopback HTTP: error shapes, models, and tool-calling turns
through the official `openai` client."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import httpx
import openai
import pytest

from assistant.agent import lexicon_of
from assistant.openai_compat import COMPAT_MODEL, CompatConfig, create_compat_app
from assistant.server_thread import BackgroundServer
from prompts.templates import render
from tests.engines.conftest import CONVERSATION_START
from tests.fixtures.services import SchedulingServer
from tools.client import SchedulingClient

ERROR_FIELDS = {"message", "type", "param", "code"}
USER = {"role": "user", "content": "book a checkup next Tuesday morning"}
FIND_SLOTS = {
    "type": "function",
    "function": {
        "name": "find_slots",
        "description": "Search open appointment slots.",
        "parameters": {
            "type": "object",
            "properties": {"appointment_type": {"type": "string"}, "date_from": {"type": "string"}},
        },
    },
}
BOOK_APPOINTMENT = {"type": "function", "function": {"name": "book_appointment", "parameters": {"type": "object"}}}
REQUEST_HUMAN = {"type": "function", "function": {"name": "request_human", "parameters": {"type": "object"}}}
# A find_slots result in the tool's shape, with invented openings.
OPTIONS_RESULT = {
    "status": "ok",
    "options": [
        {"option": 1, "provider": "Dr. Ana Lee", "site": "Sunnyvale Clinic", "appointment_type": "General check-up",
         "date": "2030-01-15", "time": "09:00", "slot_id": "synthetic-slot-1",
         "label": "1. Dr. Ana Lee, Tue Jan 15, 9:00 AM at Sunnyvale Clinic (General check-up)"},
        {"option": 2, "provider": "Dr. Ana Lee", "site": "Sunnyvale Clinic", "appointment_type": "General check-up",
         "date": "2030-01-15", "time": "09:30", "slot_id": "synthetic-slot-2",
         "label": "2. Dr. Ana Lee, Tue Jan 15, 9:30 AM at Sunnyvale Clinic (General check-up)"},
    ],
}


@pytest.fixture
def compat_url(pinned_server: SchedulingServer) -> Iterator[str]:
    """Base URL (with /v1) of a compat server using the pinned clinic's directory and clock."""
    with SchedulingClient(pinned_server.base_url, pinned_server.token_for(pinned_server.patients[0])) as client:
        directory = client.directory()
    start = CONVERSATION_START.astimezone(ZoneInfo("America/Los_Angeles"))
    server = BackgroundServer(create_compat_app(CompatConfig(lexicon=lexicon_of(directory), now=lambda: start)))
    base_url = server.start()
    try:
        yield f"{base_url}/v1"
    finally:
        server.stop()


@pytest.fixture
def client(compat_url: str) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=compat_url, api_key="unused-by-the-compat-server", max_retries=0) as client:
        yield client


def post(compat_url: str, body: object | None = None, content: bytes | None = None) -> httpx.Response:
    if content is not None:
        return httpx.post(f"{compat_url}/chat/completions", content=content,
                          headers={"Content-Type": "application/json"}, timeout=10)
    return httpx.post(f"{compat_url}/chat/completions", json=body, timeout=10)


def request_body(**changes) -> dict:
    return {"model": COMPAT_MODEL, "messages": [USER], "tools": [FIND_SLOTS], **changes}


BAD_REQUESTS = [
    ("stream", request_body(stream=True), "stream"),
    ("no messages", {"model": COMPAT_MODEL}, "messages"),
    ("empty messages", request_body(messages=[]), "messages"),
    ("no model", {"messages": [USER]}, "model"),
    ("unknown role", request_body(messages=[{"role": "robot", "content": "hi"}]), "messages[0].role"),
    ("tool without id", request_body(messages=[USER, {"role": "tool", "content": "{}"}]), "messages[1].tool_call_id"),
    (
        "arguments not JSON",
        request_body(messages=[USER, {"role": "assistant", "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "find_slots", "arguments": "{not json"}}]}]),
        "messages[1].tool_calls[0].function.arguments",
    ),
    ("temperature too high", request_body(temperature=3), "temperature"),
    ("two choices", request_body(n=2), "n"),
    ("required tool choice", request_body(tool_choice="required"), "tool_choice"),
    ("tool of another type", request_body(tools=[{"type": "retrieval"}]), "tools[0].type"),
]


@pytest.mark.parametrize(("case", "body", "param"), BAD_REQUESTS, ids=[case[0] for case in BAD_REQUESTS])
def test_bad_request_returns_openai_error(compat_url: str, case: str, body: dict, param: str):
    response = post(compat_url, body)

    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert set(error) == ERROR_FIELDS
    assert error["type"] == "invalid_request_error"
    assert error["param"] == param
    assert error["message"]


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b'"text"'], ids=["invalid JSON", "array", "string"])
def test_malformed_body_returns_openai_error(compat_url: str, content: bytes):
    response = post(compat_url, content=content)

    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert set(error) == ERROR_FIELDS
    assert error["type"] == "invalid_request_error"
    assert error["param"] is None


def test_unknown_model_returns_404(compat_url: str):
    response = post(compat_url, request_body(model="gpt-4o-mini"))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "model_not_found"
    assert response.json()["error"]["param"] == "model"


def test_unknown_path_returns_openai_error(compat_url: str):
    response = httpx.get(f"{compat_url}/embeddings", timeout=10)

    assert response.status_code == 404
    assert set(response.json()["error"]) == ERROR_FIELDS


def test_models_lists_compat_model(client: openai.OpenAI):
    models = [model.id for model in client.models.list()]

    assert models == [COMPAT_MODEL]
    assert client.models.retrieve(COMPAT_MODEL).id == COMPAT_MODEL


def test_client_sees_bad_request_error(client: openai.OpenAI):
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(model=COMPAT_MODEL, messages=[USER], n=2)

    assert raised.value.status_code == 400
    assert raised.value.code == "unsupported_value"
    assert raised.value.param == "n"


def test_tool_calling_round_trip(client: openai.OpenAI):
    messages = [{"role": "system", "content": "You book appointments."}, USER]
    first = client.chat.completions.create(model=COMPAT_MODEL, messages=messages, tools=[FIND_SLOTS], temperature=0)

    choice = first.choices[0]
    assert first.object == "chat.completion"
    assert first.model == COMPAT_MODEL
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    assert len(choice.message.tool_calls) == 1
    call = choice.message.tool_calls[0]
    assert call.type == "function"
    assert call.function.name == "find_slots"
    arguments = json.loads(call.function.arguments)
    assert arguments["appointment_type"] == "General check-up"
    assert arguments["date_from"] == "2030-01-15"
    assert first.usage.prompt_tokens > 0
    assert first.usage.completion_tokens > 0
    assert first.usage.total_tokens == first.usage.prompt_tokens + first.usage.completion_tokens

    messages += [choice.message.model_dump(exclude_none=True),
                 {"role": "tool", "tool_call_id": call.id, "content": json.dumps(OPTIONS_RESULT)}]
    second = client.chat.completions.create(model=COMPAT_MODEL, messages=messages, tools=[FIND_SLOTS])

    answer = second.choices[0]
    assert answer.finish_reason == "stop"
    assert answer.message.tool_calls is None
    lines = answer.message.content.splitlines()
    assert lines[0] == render("options_intro")
    assert lines[1:3] == [option["label"] for option in OPTIONS_RESULT["options"]]
    assert lines[-1] == render("options_question")
    assert second.usage.prompt_tokens > first.usage.prompt_tokens


def test_handoff_call_uses_declared_tool(client: openai.OpenAI):
    messages = [{"role": "user", "content": [{"type": "text", "text": "I need to talk to someone"}]}]
    response = client.chat.completions.create(model=COMPAT_MODEL, messages=messages, tools=[REQUEST_HUMAN])

    call = response.choices[0].message.tool_calls[0]
    assert response.choices[0].finish_reason == "tool_calls"
    assert call.function.name == "request_human"
    assert json.loads(call.function.arguments)["reason"] == "patient asked for a person"


@pytest.mark.parametrize("tools", [None, [FIND_SLOTS]], ids=["no tools", "other tool"])
def test_undeclared_tool_becomes_text(client: openai.OpenAI, tools):
    extra = {"tools": tools} if tools else {}
    response = client.chat.completions.create(
        model=COMPAT_MODEL, messages=[{"role": "user", "content": "I need to talk to someone"}], **extra
    )

    choice = response.choices[0]
    assert choice.finish_reason == "stop"
    assert choice.message.tool_calls is None
    assert choice.message.content == "(The request_human tool is not available.)"


def test_tool_choice_none_suppresses_calls(client: openai.OpenAI):
    response = client.chat.completions.create(
        model=COMPAT_MODEL, messages=[USER], tools=[FIND_SLOTS], tool_choice="none"
    )

    assert response.choices[0].finish_reason == "stop"
    assert response.choices[0].message.tool_calls is None


def test_choice_by_position_is_not_understood(client: openai.OpenAI):
    """The act that remembers offered options is not in OpenAI messages, so "the second one" books nothing."""
    tools = [FIND_SLOTS, BOOK_APPOINTMENT]
    first = client.chat.completions.create(model=COMPAT_MODEL, messages=[USER], tools=tools)
    call = first.choices[0].message
    messages = [USER, call.model_dump(exclude_none=True),
                {"role": "tool", "tool_call_id": call.tool_calls[0].id, "content": json.dumps(OPTIONS_RESULT)}]
    listing = client.chat.completions.create(model=COMPAT_MODEL, messages=messages, tools=tools)
    messages += [listing.choices[0].message.model_dump(exclude_none=True),
                 {"role": "user", "content": "the second one"}]

    response = client.chat.completions.create(model=COMPAT_MODEL, messages=messages, tools=tools)

    called = [item.function.name for item in response.choices[0].message.tool_calls or []]
    assert listing.choices[0].message.content.startswith(render("options_intro"))
    assert "book_appointment" not in called


def test_default_clock_uses_first_site_zone():
    config = CompatConfig(lexicon=lexicon_of({"sites": [{"id": 1, "name": "Denver Clinic", "city": "Denver",
                                                          "time_zone": "America/Denver"}]}))

    now = config.current_time()

    assert now.tzinfo == ZoneInfo("America/Denver")
    assert abs(now - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=1)
