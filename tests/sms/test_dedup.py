"""Contract of the seen-MessageSid store, on process memory and on Redis."""

from __future__ import annotations

import threading
import uuid

import pytest

from assistant.channels.sms.dedup import MemorySeenMessages, RedisSeenMessages


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
def seen(request):
    if request.param == "memory":
        yield MemorySeenMessages(60)
        return
    store = RedisSeenMessages(request.getfixturevalue("redis_url"), 60, prefix=f"test:{uuid.uuid4().hex}:")
    yield store
    store.close()


def test_first_delivery_is_new(seen):
    assert seen.first_time("SM" + uuid.uuid4().hex)


def test_second_delivery_is_seen(seen):
    sid = "SM" + uuid.uuid4().hex

    assert seen.first_time(sid)
    assert not seen.first_time(sid)


def test_concurrent_deliveries_pass_once(seen):
    sid = "SM" + uuid.uuid4().hex
    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(seen.first_time(sid))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results.count(True) == 1


def test_memory_ids_expire_after_ttl():
    clock = FakeClock()
    seen = MemorySeenMessages(60, clock=clock)
    seen.first_time("SM1")

    clock.now = 61

    assert seen.first_time("SM1")


def test_redis_ids_carry_ttl(redis_url):
    import redis

    prefix = f"test:{uuid.uuid4().hex}:"
    seen = RedisSeenMessages(redis_url, 60, prefix=prefix)
    seen.first_time("SM" + uuid.uuid4().hex)
    client = redis.Redis.from_url(redis_url)
    keys = client.keys(prefix + "*")

    assert len(keys) == 1
    assert 0 < client.ttl(keys[0]) <= 60
    client.close()
    seen.close()
