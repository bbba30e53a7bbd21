"""The recorded cassettes and the VCR matching rules: only model calls, no credentials, no PHI."""

from __future__ import annotations

import json
import os
import re
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from vcr.request import Request

from tests.engines.conftest import REPLAY_API_KEY, ModelEndpoint, chat_request_body, seeded_identifiers_in

CASSETTE_DIR = Path(__file__).parent / "cassettes" / "test_openai_engine"
CASSETTES = sorted(CASSETTE_DIR.glob("*.yaml"))
API_KEY_PATTERN = re.compile(r"sk-[A-Za-z0-9_-]{8,}")
SECRET_HEADERS = {"authorization", "api-key", "openai-organization", "openai-project", "cookie", "set-cookie"}


def interactions(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]


def test_every_engine_test_has_cassette():
    names = {path.stem for path in CASSETTES}
    source = (Path(__file__).parent / "test_openai_engine.py").read_text(encoding="utf-8")
    marked = set(re.findall(r"^def (test_\w+)\(engine_chat", source, flags=re.MULTILINE))

    assert marked, "no engine tests found"
    assert marked <= names, f"missing cassettes: {sorted(marked - names)}"


@pytest.mark.parametrize("path", CASSETTES, ids=[path.stem for path in CASSETTES])
def test_cassette_records_only_chat_completions(path: Path):
    for interaction in interactions(path):
        request = interaction["request"]
        assert request["method"] == "POST"
        assert urlsplit(request["uri"]).path.endswith("/chat/completions"), request["uri"]


@pytest.mark.parametrize("path", CASSETTES, ids=[path.stem for path in CASSETTES])
def test_cassette_holds_no_credentials(path: Path):
    text = path.read_text(encoding="utf-8")

    for interaction in interactions(path):
        headers = {name.lower() for name in interaction["request"]["headers"]}
        headers |= {name.lower() for name in interaction["response"]["headers"]}
        assert headers.isdisjoint(SECRET_HEADERS), sorted(headers & SECRET_HEADERS)
    assert REPLAY_API_KEY not in text
    assert "bearer" not in text.lower()
    assert API_KEY_PATTERN.search(text) is None
    if os.environ.get("OPENAI_API_KEY"):
        assert os.environ["OPENAI_API_KEY"] not in text


@pytest.mark.parametrize("path", CASSETTES, ids=[path.stem for path in CASSETTES])
def test_cassette_holds_no_patient_identifiers(path: Path):
    for index, interaction in enumerate(interactions(path)):
        request_body = interaction["request"]["body"]
        response_body = interaction["response"]["body"]["string"]

        assert seeded_identifiers_in(request_body) == [], f"request {index}"
        assert seeded_identifiers_in(response_body) == [], f"response {index}"


def chat_request(body: dict) -> Request:
    return Request("POST", "http://127.0.0.1:1/v1/chat/completions", json.dumps(body).encode(), {})


def test_matcher_ignores_model_only():
    body = {"model": "local-rules-v1", "messages": [{"role": "system", "content": "Today is Monday."}], "tools": []}

    chat_request_body(chat_request(body), chat_request({**body, "model": "gpt-4o-mini"}))


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"messages": [{"role": "system", "content": "Today is Tuesday."}]}, "messages"),
        ({"tools": [{"type": "function", "function": {"name": "find_slots"}}]}, "tools"),
        ({"temperature": 0.7}, "temperature"),
    ],
    ids=["system prompt", "tools", "temperature"],
)
def test_matcher_rejects_changed_body(change: dict, named: str):
    body = {"model": "local-rules-v1", "messages": [{"role": "system", "content": "Today is Monday."}], "tools": []}

    with pytest.raises(AssertionError, match=named):
        chat_request_body(chat_request(body), chat_request({**body, **change}))


def test_replay_endpoint_has_no_listener(model_endpoint: ModelEndpoint):
    if model_endpoint.recording:
        pytest.skip("recording: the model endpoint is meant to answer")
    address = urlsplit(model_endpoint.base_url)

    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((address.hostname, address.port), timeout=2).close()
