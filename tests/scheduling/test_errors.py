"""Unexpected exceptions and streamed bodies end in the standard error shape."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from scheduling.app import create_app
from scheduling.config import Settings
from tests.fixtures.services import SchedulingServer
from tests.scheduling.conftest import assert_error

PRETEND_PHI = "Jane Examplepatient 555-0100"


def test_unexpected_error_is_clean_500(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(Settings(CLINIC_DATA_DIR=tmp_path, TOKEN_SECRET="x" * 40))

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError(PRETEND_PHI)

    caplog.set_level(logging.INFO)
    with TestClient(app, raise_server_exceptions=True) as client:
        response = client.get("/boom")

    error = assert_error(response, 500, "internal_error")
    assert PRETEND_PHI not in error["message"]
    assert "RuntimeError" in caplog.text
    assert PRETEND_PHI not in caplog.text
    app.state.engine.dispose()


def test_streamed_huge_body_rejected(scheduling_server: SchedulingServer) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"conversation_id": "c", "reason": "r", "priority": "normal", '
        yield b'"channel": "web", "summary": "'
        for _ in range(200):
            yield b"y" * 1024
        yield b'"}'

    headers = {**scheduling_server.headers_for(scheduling_server.patients[0]),
               "Content-Type": "application/json"}
    response = httpx.post(f"{scheduling_server.base_url}/v1/escalations", content=chunks(),
                          headers=headers)
    assert "content-length" not in {key.lower() for key in response.request.headers}
    assert_error(response, 413, "request_too_large")
