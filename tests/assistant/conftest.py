"""Chat fixtures: a ChatService on the local engine, against a real scheduling server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from assistant.agent import ChatService, TurnResult
from assistant.config import AssistantSettings
from assistant.store import MemoryStore
from scheduling.seed import PATIENTS
from tests.fixtures.services import DemoPatient, SchedulingServer, start_scheduling_server


@dataclass
class Chat:
    """One patient's conversation, driven turn by turn as the channels drive it."""

    service: ChatService
    server: SchedulingServer
    patient: DemoPatient
    conversation_id: str = ""
    turns: list[TurnResult] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.conversation_id = self.service.start(self.token(), channel="cli").id

    def token(self) -> str:
        return self.server.token_for(self.patient)

    def say(self, text: str) -> TurnResult:
        result = self.service.handle(self.conversation_id, self.token(), text)
        self.turns.append(result)
        return result

    def api(self, method: str, path: str, headers: dict | None = None, **kwargs) -> httpx.Response:
        """Call the scheduling API as this chat's patient."""
        headers = {**(headers or {}), "Authorization": f"Bearer {self.token()}"}
        return httpx.request(method, self.server.base_url + path, headers=headers, timeout=10, **kwargs)

    def appointments(self) -> list[dict]:
        return self.api("GET", "/v1/appointments").json()["appointments"]


def tool_names(result: TurnResult) -> list[str]:
    return [call.name for call in result.tool_calls]


def seeded_identifiers() -> list[str]:
    """Every identifier of the seeded demo patients, in the forms a prompt could carry them."""
    values = []
    for first, last, born, phone, email, _channel, _language in PATIENTS:
        digits = "".join(ch for ch in phone if ch.isdigit())
        values += [first, last, f"{first} {last}", email, phone, digits, born.isoformat(), f"{born:%m/%d/%Y}"]
    return values


@pytest.fixture
def chat_service(scheduling_server: SchedulingServer, tmp_path: Path) -> Iterator[ChatService]:
    """A ChatService whose every engine prompt is checked for the seeded patients' identifiers."""
    settings = AssistantSettings(ENGINE="local", CLINIC_DATA_DIR=tmp_path / "assistant")
    service = ChatService(settings, MemoryStore(600), scheduling_server.base_url)
    prompts: list[str] = []
    service.prompt_observers.append(lambda messages: prompts.extend(str(m.content) + str(getattr(m, "tool_calls", "")) for m in messages))
    yield service
    # Case-sensitive whole words: the prompt's own word "placeholder" is not the surname "Placeholder".
    patterns = {value: re.compile(rf"(?<!\w){re.escape(value)}(?!\w)") for value in seeded_identifiers()}
    leaked = sorted({value for value, pattern in patterns.items() for prompt in prompts if pattern.search(prompt)})
    assert leaked == [], "seeded patient identifiers reached an engine prompt"


@pytest.fixture
def open_chat(chat_service: ChatService, scheduling_server: SchedulingServer):
    """Return a function opening a conversation for the n-th seeded patient."""

    def opener(patient_index: int = 0) -> Chat:
        return Chat(chat_service, scheduling_server, scheduling_server.patients[patient_index])

    return opener


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[SchedulingServer]:
    """Seeded scheduling server on SQLite only, for tests that need their own seed date."""
    url = f"sqlite:///{tmp_path / 'chat.sqlite3'}"
    with start_scheduling_server(url, tmp_path / "data") as server:
        yield server
