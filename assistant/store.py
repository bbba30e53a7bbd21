"""Conversation stores: Redis in production, process memory when `REDIS_URL` is unset.

Both keep a conversation as one JSON document that expires `ttl_seconds` after its last write,
and both offer a per-conversation lock so that two turns of one conversation never interleave.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

logger = logging.getLogger(__name__)


class StoreError(RuntimeError):
    """The store could not be reached or could not take a lock in time."""


class ConversationStore(Protocol):
    """Keeps conversation documents by id, each expiring after the store's TTL."""

    def load(self, conversation_id: str) -> dict | None: ...

    def save(self, conversation_id: str, document: dict) -> None: ...

    def delete(self, conversation_id: str) -> None: ...

    def lock(self, conversation_id: str, timeout: float = 10.0) -> AbstractContextManager[None]: ...


class MemoryStore:
    """In-process store for the default run and for single-process deployments."""

    def __init__(self, ttl_seconds: int, clock=time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._items: dict[str, tuple[float, str]] = {}
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def load(self, conversation_id: str) -> dict | None:
        with self._guard:
            item = self._items.get(conversation_id)
            if item is None:
                return None
            expires_at, payload = item
            if expires_at <= self._clock():
                del self._items[conversation_id]
                self._locks.pop(conversation_id, None)
                return None
            return json.loads(payload)

    def save(self, conversation_id: str, document: dict) -> None:
        payload = json.dumps(document)
        with self._guard:
            self._items[conversation_id] = (self._clock() + self._ttl, payload)

    def delete(self, conversation_id: str) -> None:
        with self._guard:
            self._items.pop(conversation_id, None)
            self._locks.pop(conversation_id, None)

    @contextmanager
    def lock(self, conversation_id: str, timeout: float = 10.0) -> Iterator[None]:
        with self._guard:
            entry = self._locks.setdefault(conversation_id, threading.Lock())
        if not entry.acquire(timeout=timeout):
            raise StoreError(f"conversation {conversation_id} is busy; retry in a moment")
        try:
            yield
        finally:
            entry.release()


class RedisStore:
    """Store in Redis: one string key per conversation with a TTL, and a token lock beside it."""

    _RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"

    def __init__(self, url: str, ttl_seconds: int, prefix: str = "clinic:conversation:") -> None:
        import redis

        self._ttl = ttl_seconds
        self._prefix = prefix
        self._client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self._release = self._client.register_script(self._RELEASE)

    def _key(self, conversation_id: str) -> str:
        return f"{self._prefix}{conversation_id}"

    def ping(self) -> None:
        """Check the connection; raise StoreError naming the problem when Redis is unreachable."""
        import redis

        try:
            self._client.ping()
        except redis.RedisError as exc:
            raise StoreError(f"Redis is unreachable: {exc}; check REDIS_URL") from exc

    def load(self, conversation_id: str) -> dict | None:
        payload = self._client.get(self._key(conversation_id))
        return None if payload is None else json.loads(payload)

    def save(self, conversation_id: str, document: dict) -> None:
        self._client.set(self._key(conversation_id), json.dumps(document), ex=self._ttl)

    def delete(self, conversation_id: str) -> None:
        self._client.delete(self._key(conversation_id))

    @contextmanager
    def lock(self, conversation_id: str, timeout: float = 10.0) -> Iterator[None]:
        key = self._key(conversation_id) + ":lock"
        token = uuid.uuid4().hex
        deadline = time.monotonic() + timeout
        while not self._client.set(key, token, nx=True, px=60_000):
            if time.monotonic() >= deadline:
                raise StoreError(f"conversation {conversation_id} is busy; retry in a moment")
            time.sleep(0.02)
        try:
            yield
        finally:
            self._release(keys=[key], args=[token])


def build_store(redis_url: str | None, ttl_seconds: int) -> ConversationStore:
    """Return a RedisStore for `redis_url`, or a MemoryStore with a log line when it is unset."""
    if not redis_url:
        logger.info("REDIS_URL is unset: conversations are kept in process memory and lost on restart")
        return MemoryStore(ttl_seconds)
    store = RedisStore(redis_url, ttl_seconds)
    store.ping()
    logger.info("conversations are kept in Redis")
    return store
