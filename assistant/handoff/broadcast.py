"""Publish/subscribe of small JSON events: Redis pub/sub, or process memory without REDIS_URL.

Both implement `Broadcaster`. Delivery is at most once and only to subscriptions that exist when
the event is published, so subscribers treat an event as "something changed, read it again",
never as the data itself. Events must hold ids and kinds only, never PHI, because Redis pub/sub
is readable by any client of that Redis.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from typing import Protocol

logger = logging.getLogger(__name__)


class SubscriptionClosed(Exception):
    """The subscription or its broadcaster was closed; no more events will arrive."""


class Subscription(Protocol):
    """Events of one channel, from the moment of `subscribe` until `close`."""

    def get(self, timeout: float) -> dict | None:
        """Return the next event, or None after `timeout` seconds; raise SubscriptionClosed."""
        ...

    def close(self) -> None: ...


class Broadcaster(Protocol):
    """Fan-out of JSON-object events to every current subscriber of a channel."""

    def publish(self, channel: str, event: dict) -> None: ...

    def subscribe(self, channel: str) -> Subscription: ...

    def close(self) -> None:
        """End every subscription, so that long-lived readers such as SSE streams stop."""
        ...


class MemorySubscription:
    """A queue that MemoryBroadcaster fills; `None` in the queue marks the end."""

    def __init__(self, owner: MemoryBroadcaster, channel: str) -> None:
        self._owner = owner
        self.channel = channel
        self._queue: queue.Queue[dict | None] = queue.Queue()
        self._closed = False

    def deliver(self, event: dict | None) -> None:
        self._queue.put(event)

    def get(self, timeout: float) -> dict | None:
        if self._closed:
            raise SubscriptionClosed("the subscription is closed")
        try:
            event = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        if event is None:
            self._closed = True
            raise SubscriptionClosed("the broadcaster was closed")
        return event

    def close(self) -> None:
        self._closed = True
        self._owner.remove(self)


class MemoryBroadcaster:
    """In-process broadcaster for single-process deployments and tests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscriptions: list[MemorySubscription] = []
        self._closed = False

    def publish(self, channel: str, event: dict) -> None:
        # A JSON round trip gives subscribers their own copy and the same types Redis would.
        copy = json.loads(json.dumps(event))
        with self._lock:
            targets = [item for item in self._subscriptions if item.channel == channel]
        for subscription in targets:
            subscription.deliver(copy)

    def subscribe(self, channel: str) -> MemorySubscription:
        subscription = MemorySubscription(self, channel)
        with self._lock:
            if self._closed:
                raise SubscriptionClosed("the broadcaster is closed")
            self._subscriptions.append(subscription)
        return subscription

    def remove(self, subscription: MemorySubscription) -> None:
        with self._lock:
            if subscription in self._subscriptions:
                self._subscriptions.remove(subscription)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            subscriptions, self._subscriptions = self._subscriptions, []
        for subscription in subscriptions:
            subscription.deliver(None)


class RedisSubscription:
    """One Redis pub/sub connection subscribed to one channel."""

    def __init__(self, owner: RedisBroadcaster, pubsub, channel: str) -> None:
        self._owner = owner
        self._pubsub = pubsub
        self.channel = channel
        self._closed = False

    def get(self, timeout: float) -> dict | None:
        import redis

        if self._closed or self._owner.closed:
            self.close()
            raise SubscriptionClosed("the subscription is closed")
        try:
            message = self._pubsub.get_message(ignore_subscribe_messages=True, timeout=timeout)
        except redis.RedisError as exc:
            logger.warning("Redis subscription to %s failed: %s", self.channel, type(exc).__name__)
            self.close()
            raise SubscriptionClosed(f"the Redis subscription failed: {type(exc).__name__}") from exc
        if message is None or message.get("type") != "message":
            return None
        try:
            return json.loads(message["data"])
        except (TypeError, ValueError):
            logger.warning("ignored a malformed event on %s", self.channel)
            return None

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._pubsub.close()


class RedisBroadcaster:
    """Broadcaster over Redis pub/sub, so that every web process sees every event."""

    SUBSCRIBE_TIMEOUT_SECONDS = 5.0

    def __init__(self, url: str, prefix: str = "clinic:handoff:") -> None:
        import redis

        self._prefix = prefix
        self._client = redis.Redis.from_url(url, socket_connect_timeout=5)
        self.closed = False

    def publish(self, channel: str, event: dict) -> None:
        self._client.publish(self._prefix + channel, json.dumps(event))

    def subscribe(self, channel: str) -> RedisSubscription:
        if self.closed:
            raise SubscriptionClosed("the broadcaster is closed")
        pubsub = self._client.pubsub()
        pubsub.subscribe(self._prefix + channel)
        # Wait for Redis to confirm, so that an event published right after this call is seen.
        confirmed = pubsub.get_message(timeout=self.SUBSCRIBE_TIMEOUT_SECONDS)
        if confirmed is None or confirmed.get("type") != "subscribe":
            pubsub.close()
            raise SubscriptionClosed(f"Redis did not confirm the subscription to {channel}")
        return RedisSubscription(self, pubsub, channel)

    def close(self) -> None:
        """Mark the broadcaster closed; each subscription ends at its next `get`."""
        self.closed = True


def build_broadcaster(redis_url: str | None) -> Broadcaster:
    """Return a RedisBroadcaster for `redis_url`, else a MemoryBroadcaster."""
    if not redis_url:
        return MemoryBroadcaster()
    return RedisBroadcaster(redis_url)
