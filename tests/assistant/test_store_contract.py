"""One contract for both conversation stores: process memory and Redis."""

from __future__ import annotations

import threading
import time
import uuid

import pytest

from assistant.store import MemoryStore, RedisStore, StoreError


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def store_factory(request):
    """Return a function building a store with a given TTL, on each backend."""
    if request.param == "memory":
        return lambda ttl: MemoryStore(ttl)
    url = request.getfixturevalue("redis_url")
    prefix = f"test:{uuid.uuid4().hex}:"
    return lambda ttl: RedisStore(url, ttl, prefix=prefix)


def test_store_round_trip(store_factory):
    store = store_factory(60)
    document = {"id": "c1", "messages": [{"type": "human", "text": "hi"}], "n": 3}

    store.save("c1", document)

    assert store.load("c1") == document


def test_store_missing_is_none(store_factory):
    assert store_factory(60).load("no-such-conversation") is None


def test_store_overwrite_replaces(store_factory):
    store = store_factory(60)
    store.save("c1", {"v": 1})
    store.save("c1", {"v": 2})

    assert store.load("c1") == {"v": 2}


def test_store_delete(store_factory):
    store = store_factory(60)
    store.save("c1", {"v": 1})

    store.delete("c1")

    assert store.load("c1") is None


def test_store_expires_after_ttl(store_factory):
    store = store_factory(1)
    store.save("c1", {"v": 1})

    time.sleep(1.3)

    assert store.load("c1") is None


def test_store_keeps_conversations_apart(store_factory):
    store = store_factory(60)
    store.save("a", {"owner": "a"})
    store.save("b", {"owner": "b"})

    assert store.load("a") == {"owner": "a"}
    assert store.load("b") == {"owner": "b"}


def test_store_lock_serialises_turns(store_factory):
    store = store_factory(60)
    inside = []
    overlaps = []

    def turn(name: str) -> None:
        with store.lock("c1"):
            if inside:
                overlaps.append(name)
            inside.append(name)
            time.sleep(0.05)
            inside.remove(name)

    threads = [threading.Thread(target=turn, args=(f"t{i}",)) for i in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert overlaps == []


def test_store_lock_times_out_when_busy(store_factory):
    store = store_factory(60)
    held = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with store.lock("c1"):
            held.set()
            release.wait(5)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(5)
    try:
        with pytest.raises(StoreError, match="busy"):
            with store.lock("c1", timeout=0.2):
                pass
    finally:
        release.set()
        thread.join()


def test_memory_store_expiry_uses_clock():
    clock = FakeClock()
    store = MemoryStore(30, clock=clock)
    store.save("c1", {"v": 1})

    clock.now += 29
    assert store.load("c1") == {"v": 1}
    clock.now += 2
    assert store.load("c1") is None


def test_redis_store_unreachable_names_url():
    from assistant.store import build_store

    with pytest.raises(StoreError, match="REDIS_URL"):
        build_store("redis://127.0.0.1:1/0", 60)
