"""Chat fixtures: a ChatService on the local engine, against a real scheduling server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from assistant.agent import ChatService, TurnResult
from assistant.config import AssistantSettings
from assistant.store import MemoryStore
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


@pytest.fixture
def chat_service(scheduling_server: SchedulingServer) -> ChatService:
    settings = AssistantSettings(ENGINE="local")
    return ChatService(settings, MemoryStore(600), scheduling_server.base_url)


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
