"""The staff event stream (server-sent events), fed by memory and by Redis pub/sub."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.handoff.broadcast import MemoryBroadcaster, RedisBroadcaster
from tests.fixtures.web import WebAppServer, start_web_app_server
from tests.handoff.conftest import PatientChat, bearer

WAIT_SECONDS = 10.0


@pytest.fixture(params=["memory", "redis"])
def stream_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[WebAppServer]:
    if request.param == "memory":
        broadcaster = MemoryBroadcaster()
    else:
        broadcaster = RedisBroadcaster(request.getfixturevalue("redis_url"), prefix=f"test:{uuid.uuid4().hex}:")
    with start_web_app_server(tmp_path / "stream-data", broadcaster=broadcaster) as server:
        yield server


class StreamReader:
    """Reads SSE lines of /api/staff/events in a thread, sending the session as a cookie."""

    def __init__(self, server: WebAppServer, token: str) -> None:
        self.lines: list[str] = []
        self._client = httpx.Client(base_url=server.base_url, cookies={"clinic_session": token}, timeout=30)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            with self._client.stream("GET", "/api/staff/events") as response:
                for line in response.iter_lines():
                    self.lines.append(line)
        except httpx.HTTPError:
            pass

    def wait_for(self, line: str) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while line not in self.lines:
            assert time.monotonic() < deadline, f"{line!r} not in {self.lines}"
            time.sleep(0.05)

    def close(self) -> None:
        self._client.close()


def test_stream_announces_new_escalation(stream_server):
    token = stream_server.staff_token("front.desk@example.com")
    reader = StreamReader(stream_server, token)
    try:
        reader.wait_for("event: ready")
        chat = PatientChat(stream_server, stream_server.patients[0]).start()
        chat.say("I need to talk to someone")
        reader.wait_for("event: queue")
        assert not any(chat.patient.email in line for line in reader.lines)
    finally:
        stream_server.broadcaster.close()
        reader.close()


def test_stream_rejects_patient_token(stream_server):
    patient_token = stream_server.token_for(stream_server.patients[0])
    response = httpx.get(stream_server.base_url + "/api/staff/events", headers=bearer(patient_token), timeout=10)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_session"
    anonymous = httpx.get(stream_server.base_url + "/api/staff/events", timeout=10)
    assert anonymous.status_code == 401
