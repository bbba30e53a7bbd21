"""Seen MessageSids, so each inbound text is processed once however often it is delivered.

`first_time(sid)` is atomic: of two concurrent deliveries exactly one gets True. Redis
(`SET NX EX`) keeps the ids for every worker; process memory serves a single process.
"""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Protocol

KEY_PREFIX = "sms:seen:"


class SeenMessages(Protocol):
    """Remembers message ids for `ttl_seconds`."""

    def first_time(self, message_sid: str) -> bool: ...


class MemorySeenMessages:
    """Seen ids in this process; expired ids are dropped as new ones arrive."""

    def __init__(self, ttl_seconds: int, clock=time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._expiry: dict[str, float] = {}
        self._lock = threading.Lock()

    def first_time(self, message_sid: str) -> bool:
        now = self._clock()
        with self._lock:
            for sid in [sid for sid, until in self._expiry.items() if until <= now]:
                del self._expiry[sid]
            if message_sid in self._expiry:
                return False
            self._expiry[message_sid] = now + self._ttl
            return True


class RedisSeenMessages:
    """Seen ids in Redis under `prefix`, each expiring after `ttl_seconds`."""

    def __init__(self, url: str, ttl_seconds: int, prefix: str = KEY_PREFIX) -> None:
        import redis

        self._client = redis.Redis.from_url(url, socket_timeout=5)
        self._ttl = ttl_seconds
        self._prefix = prefix

    def first_time(self, message_sid: str) -> bool:
        key = self._prefix + hashlib.sha256(message_sid.encode()).hexdigest()[:40]
        return bool(self._client.set(key, b"1", nx=True, ex=self._ttl))

    def close(self) -> None:
        self._client.close()


def build_seen_messages(redis_url: str | None, ttl_seconds: int) -> SeenMessages:
    """Return Redis-backed seen ids when `redis_url` is set, else process memory."""
    if redis_url:
        return RedisSeenMessages(redis_url, ttl_seconds)
    return MemorySeenMessages(ttl_seconds)
