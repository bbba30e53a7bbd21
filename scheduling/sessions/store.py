"""Key-value store of JSON records with expiry, plus sets used as indexes.

`RedisStore` is used when REDIS_URL is set, so sessions survive restarts and are shared by
every worker. `MemoryStore` keeps them in this process only and loses them on restart.

Expiry here is a clean-up backstop in real seconds. Session and lockout rules compare the
timestamps inside each record with the application clock, so tests can move time.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any, Protocol

logger = logging.getLogger(__name__)

KEY_PREFIX = "scheduling:"


class KeyValueStore(Protocol):
    """JSON records and string sets with a time to live in seconds."""

    def get(self, key: str) -> dict[str, Any] | None: ...

    def put(self, key: str, value: dict[str, Any], ttl_seconds: int) -> None: ...

    def delete(self, key: str) -> None: ...

    def add_member(self, key: str, member: str, ttl_seconds: int) -> None: ...

    def remove_member(self, key: str, member: str) -> None: ...

    def members(self, key: str) -> set[str]: ...


class MemoryStore:
    """Process-local store; thread-safe, expired entries are dropped when read."""

    def __init__(self) -> None:
        self._records: dict[str, tuple[float, str]] = {}
        self._sets: dict[str, tuple[float, set[str]]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            entry = self._records.get(key)
            if entry is None or entry[0] <= time.monotonic():
                self._records.pop(key, None)
                return None
            return json.loads(entry[1])

    def put(self, key: str, value: dict[str, Any], ttl_seconds: int) -> None:
        with self._lock:
            self._records[key] = (time.monotonic() + ttl_seconds, json.dumps(value))

    def delete(self, key: str) -> None:
        with self._lock:
            self._records.pop(key, None)

    def add_member(self, key: str, member: str, ttl_seconds: int) -> None:
        with self._lock:
            _, members = self._sets.get(key, (0.0, set()))
            members.add(member)
            self._sets[key] = (time.monotonic() + ttl_seconds, members)

    def remove_member(self, key: str, member: str) -> None:
        with self._lock:
            if key in self._sets:
                self._sets[key][1].discard(member)

    def members(self, key: str) -> set[str]:
        with self._lock:
            entry = self._sets.get(key)
            if entry is None or entry[0] <= time.monotonic():
                self._sets.pop(key, None)
                return set()
            return set(entry[1])


class RedisStore:
    """Store in Redis, every key under `prefix` (tests use a unique one each)."""

    def __init__(self, url: str, prefix: str = KEY_PREFIX) -> None:
        import redis

        self._client = redis.Redis.from_url(url, decode_responses=True, socket_timeout=5)
        self._prefix = prefix

    def get(self, key: str) -> dict[str, Any] | None:
        raw = self._client.get(self._prefix + key)
        return None if raw is None else json.loads(raw)

    def put(self, key: str, value: dict[str, Any], ttl_seconds: int) -> None:
        self._client.set(self._prefix + key, json.dumps(value), ex=max(1, ttl_seconds))

    def delete(self, key: str) -> None:
        self._client.delete(self._prefix + key)

    def add_member(self, key: str, member: str, ttl_seconds: int) -> None:
        pipe = self._client.pipeline()
        pipe.sadd(self._prefix + key, member)
        pipe.expire(self._prefix + key, max(1, ttl_seconds))
        pipe.execute()

    def remove_member(self, key: str, member: str) -> None:
        self._client.srem(self._prefix + key, member)

    def members(self, key: str) -> set[str]:
        return set(self._client.smembers(self._prefix + key))

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()


def build_store(redis_url: str | None) -> KeyValueStore:
    """Return a RedisStore for `redis_url`, or a MemoryStore (logged) when it is unset."""
    if redis_url:
        logger.info("Sessions are kept in Redis")
        return RedisStore(redis_url)
    logger.info("REDIS_URL is unset, so sessions are kept in process memory and end on restart")
    return MemoryStore()
