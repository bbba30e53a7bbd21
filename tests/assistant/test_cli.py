"""The commands as a user runs them: separate processes, real stdin and stdout."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]


def run_command(args: list[str], data_dir: Path, stdin: str = "", timeout: float = 180) -> subprocess.CompletedProcess:
    env = {**os.environ, "CLINIC_DATA_DIR": str(data_dir)}
    for name in ("DATABASE_URL", "REDIS_URL", "ENGINE", "SCHEDULING_API_URL"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        input=stdin, capture_output=True, text=True, cwd=REPO, env=env, timeout=timeout,
    )


def test_seed_demo_json_shape(tmp_path):
    first = run_command(["seed-demo", "--json"], tmp_path)
    second = run_command(["seed-demo", "--json"], tmp_path)

    assert first.returncode == 0, first.stderr
    patients = json.loads(first.stdout)["patients"]
    assert len(patients) >= 4
    assert set(patients[0]) == {"id", "name", "date_of_birth", "phone", "email"}
    assert all(patient["email"].endswith("@example.com") for patient in patients)
    assert json.loads(second.stdout) == json.loads(first.stdout)


def test_chat_books_reschedules_cancels(tmp_path):
    lines = [
        "I need a checkup next Tuesday morning",
        "the second one",
        "yes",
        "I need to reschedule my appointment",
        "next Thursday afternoon",
        "the first one",
        "yes",
        "cancel my appointment",
        "yes",
        "what appointments do I have?",
    ]

    result = run_command(["chat", "--patient-id", "1", "--json"], tmp_path, "\n".join(lines) + "\n")

    assert result.returncode == 0, result.stderr
    turns = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(turns) == len(lines)
    for turn in turns:
        assert set(turn) == {"reply", "tool_calls", "handoff"}
        for call in turn["tool_calls"]:
            assert set(call) == {"name", "args", "status"}
            assert call["status"] == "ok" or call["status"].startswith("error: ")
    assert turns[2]["tool_calls"][-1] == {"name": "book_appointment", "args": turns[1]["tool_calls"][-1]["args"], "status": "ok"}
    assert turns[6]["tool_calls"][-1]["name"] == "reschedule_appointment"
    assert turns[6]["tool_calls"][-1]["status"] == "ok"
    assert turns[8]["tool_calls"][-1]["name"] == "cancel_appointment"
    assert turns[8]["tool_calls"][-1]["status"] == "ok"
    assert "no upcoming appointments" in turns[9]["reply"]


def test_chat_unknown_patient_is_clear_error(tmp_path):
    result = run_command(["chat", "--patient-id", "999"], tmp_path, "hi\n")

    assert result.returncode == 2
    assert "no patient has id 999" in result.stderr
    assert "Traceback" not in result.stderr


def test_chat_rejects_bad_setting(tmp_path):
    env_result = subprocess.run(
        [sys.executable, "-m", "assistant", "chat", "--patient-id", "1"],
        input="hi\n", capture_output=True, text=True, cwd=REPO, timeout=60,
        env={**os.environ, "CLINIC_DATA_DIR": str(tmp_path), "CONVERSATION_TTL_SECONDS": "5"},
    )

    assert env_result.returncode == 2
    assert "CONVERSATION_TTL_SECONDS" in env_result.stderr
    assert "Traceback" not in env_result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_answers_page_and_docs(tmp_path):
    port = free_port()
    env = {**os.environ, "CLINIC_DATA_DIR": str(tmp_path), "SMS_CHANNEL_SECRET": "s" * 40}
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--port", str(port)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                page = httpx.get(base + "/", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"serve did not start: {process.stdout.read()}")
                time.sleep(0.3)
        assert page.status_code == 200
        assert "Sign in" in page.text
        assert httpx.get(base + "/docs").status_code == 200
        assert httpx.get(base + "/scheduling/docs").status_code == 200
        assert "/v1/slots" in httpx.get(base + "/scheduling/openapi.json").json()["paths"]
        assert httpx.get(base + "/staff").status_code == 200
        assert httpx.get(base + "/compliance").status_code == 200
        unsigned = httpx.post(base + "/sms/twilio/inbound", data={"From": "+15555550100", "Body": "hi", "MessageSid": "SM1"})
        assert unsigned.status_code == 403
    finally:
        process.terminate()
        process.wait(timeout=20)
