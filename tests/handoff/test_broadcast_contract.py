"""The broadcaster contract, run on process memory and on Redis pub/sub."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest

from assistant.handoff.broadcast import Broadcaster, MemoryBroadcaster, RedisBroadcaster, SubscriptionClosed

WAIT_SECONDS = 2.0


@pytest.fixture(params=["memory", "redis"])
def broadcaster(request: pytest.FixtureRequest) -> Iterator[Broadcaster]:
    if request.param == "memory":
        hub: Broadcaster = MemoryBroadcaster()
    else:
        # A prefix per test keeps parallel runs and earlier tests off each other's channels.
        hub = RedisBroadcaster(request.getfixturevalue("redis_url"), prefix=f"test:{uuid.uuid4().hex}:")
    yield hub
    hub.close()


def test_subscriber_receives_published_event(broadcaster):
    subscription = broadcaster.subscribe("staff")
    broadcaster.publish("staff", {"type": "escalation.opened", "count": 1})
    assert subscription.get(WAIT_SECONDS) == {"type": "escalation.opened", "count": 1}
    subscription.close()


def test_every_subscriber_receives_event(broadcaster):
    first = broadcaster.subscribe("staff")
    second = broadcaster.subscribe("staff")
    broadcaster.publish("staff", {"type": "queue"})
    assert first.get(WAIT_SECONDS) == {"type": "queue"}
    assert second.get(WAIT_SECONDS) == {"type": "queue"}


def test_other_channel_not_delivered(broadcaster):
    subscription = broadcaster.subscribe("staff")
    broadcaster.publish("elsewhere", {"type": "queue"})
    assert subscription.get(0.3) is None


def test_events_arrive_in_publish_order(broadcaster):
    subscription = broadcaster.subscribe("staff")
    for number in range(5):
        broadcaster.publish("staff", {"n": number})
    received = [subscription.get(WAIT_SECONDS) for _ in range(5)]
    assert received == [{"n": number} for number in range(5)]


def test_event_before_subscribe_not_delivered(broadcaster):
    broadcaster.publish("staff", {"type": "early"})
    subscription = broadcaster.subscribe("staff")
    assert subscription.get(0.3) is None


def test_get_times_out_with_none(broadcaster):
    subscription = broadcaster.subscribe("staff")
    assert subscription.get(0.1) is None


def test_closed_subscription_raises(broadcaster):
    subscription = broadcaster.subscribe("staff")
    subscription.close()
    with pytest.raises(SubscriptionClosed):
        subscription.get(0.1)


def test_closing_broadcaster_ends_waiting_reader(broadcaster):
    subscription = broadcaster.subscribe("staff")
    outcome: list[str] = []

    def read() -> None:
        try:
            while subscription.get(0.2) is None:
                pass
            outcome.append("event")
        except SubscriptionClosed:
            outcome.append("closed")

    reader = threading.Thread(target=read)
    reader.start()
    broadcaster.close()
    reader.join(timeout=WAIT_SECONDS)
    assert not reader.is_alive()
    assert outcome == ["closed"]


def test_subscribe_after_close_raises(broadcaster):
    broadcaster.close()
    with pytest.raises(SubscriptionClosed):
        broadcaster.subscribe("staff")
