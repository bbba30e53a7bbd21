"""Fixtures of the `openai` engine tests: a clock-pinned scheduling server, the model endpoint
and the VCR configuration that records only the model's chat-completions calls.

Cassettes replay by default (pytest-recording's `--record-mode=none`). Then the model endpoint is
a loopback port where nothing listens, so a request missing from a cassette fails the test
instead of reaching a server. With `--record-mode=once` or `rewrite` the model calls go to
OPENAI_BASE_URL when it is set, else to an OpenAI-compatible server that this fixture starts.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from assistant.agent import ChatService, TurnResult, clinic_time_zone, lexicon_of
from assistant.config import AssistantSettings
from assistant.openai_compat import COMPAT_MODEL, CompatConfig, create_compat_app
from assistant.server_thread import BackgroundServer
from assistant.store import MemoryStore
from scheduling.app import create_app
from scheduling.config import Settings
from scheduling.seed import PATIENTS, seed_demo
from tests.fixtures.services import TEST_TOKEN_SECRET, DemoPatient, SchedulingServer
from tools.client import SchedulingClient

# Every recorded conversation starts at this moment and the scheduling server's clock stays on it,
# so the dates in tool results, prompts and replies are the same on every day the tests run.
CONVERSATION_START = dt.datetime(2030, 1, 7, 17, 0, tzinfo=dt.timezone.utc)  # Monday 09:00 in Sunnyvale
SEED_DAY = dt.date(2030, 1, 6)

CHAT_COMPLETIONS_SUFFIX = "/chat/completions"
REPLAY_API_KEY = "sk-replay-placeholder-not-a-key"
SECRET_HEADERS = ["authorization", "api-key", "openai-organization", "openai-project", "cookie"]
KEPT_RESPONSE_HEADERS = {"content-type"}
IGNORED_BODY_FIELDS = {"model"}


@dataclass(frozen=True)
class ModelEndpoint:
    """Where the `openai` engine sends its calls in this run, and whether they are recorded."""

    base_url: str
    api_key: str
    model: str
    recording: bool


def keep_chat_completions(request):
    """Record only chat-completions calls; scheduling API calls pass through to the live server."""
    if not request.path.endswith(CHAT_COMPLETIONS_SUFFIX):
        return None
    return request


def strip_response_headers(response: dict) -> dict:
    """Drop provider response headers (organization, request ids, cookies) except Content-Type."""
    response["headers"] = {
        name: value for name, value in response["headers"].items() if name.lower() in KEPT_RESPONSE_HEADERS
    }
    return response


def chat_request_body(recorded, live) -> None:
    """Match two chat-completions bodies as JSON, ignoring `model`; raise AssertionError naming the difference.

    The model name is ignored so that cassettes recorded against a provider replay whatever
    OPENAI_MODEL is set. Everything else (system prompt, messages, tool definitions,
    temperature) must be equal, so a change in prompts or tools fails replay.
    """
    first, second = _json_body(recorded), _json_body(live)
    for name in IGNORED_BODY_FIELDS:
        first.pop(name, None)
        second.pop(name, None)
    if first == second:
        return
    differing = sorted(key for key in first.keys() | second.keys() if first.get(key) != second.get(key))
    detail = ""
    if "messages" in differing:
        pairs = zip(first.get("messages", []), second.get("messages", []))
        index = next((i for i, (a, b) in enumerate(pairs) if a != b), None)
        detail = f" (first differing message: {index})"
    raise AssertionError(f"chat-completions bodies differ in {differing}{detail}")


def _json_body(request) -> dict:
    body = request.body or b"{}"
    value = json.loads(body.decode("utf-8") if isinstance(body, bytes) else body)
    return value if isinstance(value, dict) else {"body": value}


def pytest_recording_configure(config, vcr) -> None:
    vcr.register_matcher("chat_request_body", chat_request_body)


@pytest.fixture
def vcr_config() -> dict:
    return {
        "match_on": ["method", "path", "chat_request_body"],
        "before_record_request": keep_chat_completions,
        "before_record_response": strip_response_headers,
        "filter_headers": SECRET_HEADERS,
        "decode_compressed_response": True,
        "record_on_exception": False,
    }


def seeded_identifiers_in(text: str) -> list[str]:
    """Return the seeded patients' names, emails, phones and birth dates that occur in `text`.

    Names match as whole, capitalised words, because the system prompt uses the word
    "placeholder" and one seeded surname is Placeholder. The other identifiers match anywhere,
    ignoring case, and phones also match as bare digits and as their last 8 characters.
    """
    found: list[str] = []
    lowered = text.lower()
    for first, last, born, phone, email, _channel, _language in PATIENTS:
        found += [name for name in (first, last) if re.search(rf"\b{re.escape(name)}\b", text)]
        digits = "".join(character for character in phone if character.isdigit())
        others = [email, phone, digits, phone[-8:], born.isoformat(), born.strftime("%m/%d/%Y")]
        found += [item for item in others if item.lower() in lowered]
    return found


@pytest.fixture
def pinned_server(tmp_path: Path) -> Iterator[SchedulingServer]:
    """Seeded scheduling API on SQLite whose clock stays at CONVERSATION_START."""
    settings = Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'engine.sqlite3'}", CLINIC_DATA_DIR=tmp_path / "data",
                        TOKEN_SECRET=TEST_TOKEN_SECRET)
    app = create_app(settings, clock=lambda: CONVERSATION_START)
    with app.state.session_factory() as session:
        patients = [DemoPatient(row.id, row.organization_id, row.email, row.date_of_birth)
                    for row in seed_demo(session, SEED_DAY)]
    server = BackgroundServer(app)
    base_url = server.start()
    try:
        yield SchedulingServer(base_url, settings, app.state.session_factory, patients)
    finally:
        server.stop()
        app.state.engine.dispose()


def _closed_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def model_endpoint(record_mode: str, pinned_server: SchedulingServer) -> Iterator[ModelEndpoint]:
    """Return the model endpoint: a closed loopback port in replay, a provider or the compat server when recording."""
    if record_mode == "none":
        yield ModelEndpoint(f"http://127.0.0.1:{_closed_loopback_port()}/v1", REPLAY_API_KEY, COMPAT_MODEL, False)
        return
    if os.environ.get("OPENAI_BASE_URL"):
        yield ModelEndpoint(
            os.environ["OPENAI_BASE_URL"],
            os.environ.get("OPENAI_API_KEY", "not-needed"),
            os.environ.get("OPENAI_MODEL", "gpt-4o-mini"),
            True,
        )
        return
    token = pinned_server.token_for(pinned_server.patients[0])
    with SchedulingClient(pinned_server.base_url, token) as client:
        directory = client.directory()
    start = CONVERSATION_START.astimezone(ZoneInfo(clinic_time_zone(directory)))
    compat = BackgroundServer(create_compat_app(CompatConfig(lexicon=lexicon_of(directory), now=lambda: start)))
    base_url = compat.start()
    try:
        yield ModelEndpoint(f"{base_url}/v1", REPLAY_API_KEY, COMPAT_MODEL, True)
    finally:
        compat.stop()


@pytest.fixture
def engine_service(model_endpoint: ModelEndpoint, pinned_server: SchedulingServer) -> ChatService:
    settings = AssistantSettings(
        ENGINE="openai",
        OPENAI_BASE_URL=model_endpoint.base_url,
        OPENAI_API_KEY=model_endpoint.api_key,
        OPENAI_MODEL=model_endpoint.model,
    )
    return ChatService(settings, MemoryStore(600), pinned_server.base_url)


@dataclass
class EngineChat:
    """One seeded patient's conversation on the `openai` engine, started at CONVERSATION_START."""

    service: ChatService
    server: SchedulingServer
    patient: DemoPatient
    conversation_id: str = ""

    def __post_init__(self) -> None:
        conversation = self.service.start(self.token(), channel="web", engine="openai")
        self.conversation_id = conversation.id
        document = self.service.store.load(conversation.id)
        document["started_at"] = CONVERSATION_START.isoformat()
        self.service.store.save(conversation.id, document)

    def token(self) -> str:
        return self.server.token_for(self.patient)

    def say(self, text: str) -> TurnResult:
        return self.service.handle(self.conversation_id, self.token(), text)

    def api(self, method: str, path: str, **kwargs) -> httpx.Response:
        """Call the scheduling API as this chat's patient."""
        headers = {"Authorization": f"Bearer {self.token()}", **kwargs.pop("headers", {})}
        return httpx.request(method, self.server.base_url + path, headers=headers, timeout=10, **kwargs)


@pytest.fixture
def engine_chat(engine_service: ChatService, pinned_server: SchedulingServer) -> EngineChat:
    """Conversation of the first seeded patient (English-speaking) on the `openai` engine."""
    return EngineChat(engine_service, pinned_server, pinned_server.patients[0])
