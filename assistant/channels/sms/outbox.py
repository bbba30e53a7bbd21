"""The outbox: every text the SMS channel sent, for staff to read.

Message bodies are PHI, so they live here and never in logs. The outbox keeps the newest
MAX_MESSAGES in memory and, when given a file, appends each message as one JSON line to a file
created with mode 0600. `messages()` is what a staff console shows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import threading
import uuid
from collections import deque
from dataclasses import dataclass
from pathlib import Path

MAX_MESSAGES = 1000


@dataclass(frozen=True)
class OutboxMessage:
    """One sent (or failed) text. `kind` is reply, keyword, code, reminder or staff (a staff reply)."""

    id: str
    to: str
    body: str
    kind: str
    provider: str
    status: str
    provider_message_id: str | None
    created_at: str

    def to_json(self) -> dict:
        return dataclasses.asdict(self)


class Outbox:
    """Thread-safe record of sent texts, in memory and optionally in a JSON lines file."""

    def __init__(self, path: Path | None = None) -> None:
        self._messages: deque[OutboxMessage] = deque(maxlen=MAX_MESSAGES)
        self._lock = threading.Lock()
        self.path = path

    def record(self, to: str, body: str, kind: str, provider: str, status: str,
               provider_message_id: str | None = None) -> OutboxMessage:
        """Store one text and return it with its new id."""
        message = OutboxMessage(
            id=uuid.uuid4().hex, to=to, body=body, kind=kind, provider=provider, status=status,
            provider_message_id=provider_message_id,
            created_at=dt.datetime.now(dt.timezone.utc).isoformat())
        with self._lock:
            self._messages.append(message)
            if self.path is not None:
                self._append(message)
        return message

    def messages(self, to: str | None = None) -> list[OutboxMessage]:
        """Return the stored texts, oldest first; only those sent to `to` when it is given."""
        with self._lock:
            return [message for message in self._messages if to is None or message.to == to]

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()

    def _append(self, message: OutboxMessage) -> None:
        assert self.path is not None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(message.to_json(), ensure_ascii=False) + "\n")
