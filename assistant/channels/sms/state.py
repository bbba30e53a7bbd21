"""Per-number SMS state between texts: language, identity stage, verified token, pending actions.

A number's state is kept under a digest of the number (never the number) in the session store:
Redis when REDIS_URL is set, else process memory. The verified patient's bearer token is kept
until it expires, which is what "verified recently" means here (TOKEN_TTL_SECONDS, 15 minutes
by default); after that the texter verifies again.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

from scheduling.sessions.store import KeyValueStore, MemoryStore, RedisStore
from scheduling.sms_identity import phone_digest

KEY_PREFIX = "sms:"
TOKEN_MARGIN_SECONDS = 30


@dataclass
class SmsSession:
    """Channel state of one phone number.

    `stage` is new, identifying, awaiting_code or verified. `pending_action` is a reminder reply
    (C, R or X) waiting for verification; `pending_cancel` is a cancellation waiting for YES.
    `quiet_until` (epoch seconds) silences the channel towards the number after repeated
    failures or a wrong-number reply.
    """

    language: str = "en"
    stage: str = "new"
    failures: int = 0
    patient_id: int | None = None
    token: str | None = None
    token_expires_at: float = 0.0
    conversation_id: str | None = None
    pending_action: dict | None = None
    pending_cancel: dict | None = None
    quiet_until: float = 0.0
    extra: dict = field(default_factory=dict)

    def is_verified(self, now: float | None = None) -> bool:
        """True while the stored token has more than TOKEN_MARGIN_SECONDS left."""
        moment = time.time() if now is None else now
        return bool(self.token) and self.token_expires_at - TOKEN_MARGIN_SECONDS > moment

    def forget_identity(self) -> None:
        """Drop the token and conversation, so the next text starts verification again."""
        self.stage, self.patient_id, self.token, self.token_expires_at = "new", None, None, 0.0
        self.conversation_id, self.pending_cancel = None, None


class SmsSessionStore:
    """Loads and saves SmsSession records by phone number."""

    def __init__(self, store: KeyValueStore, ttl_seconds: int) -> None:
        self._store = store
        self._ttl = ttl_seconds

    def load(self, phone: str) -> SmsSession:
        record = self._store.get(self._key(phone))
        return SmsSession(**record) if record else SmsSession()

    def save(self, phone: str, session: SmsSession) -> None:
        self._store.put(self._key(phone), dataclasses.asdict(session), self._ttl)

    def delete(self, phone: str) -> None:
        self._store.delete(self._key(phone))

    @staticmethod
    def _key(phone: str) -> str:
        return "session:" + phone_digest(phone)


def build_session_store(redis_url: str | None, ttl_seconds: int) -> SmsSessionStore:
    """Return a store in Redis when `redis_url` is set, else in process memory."""
    backend: KeyValueStore = RedisStore(redis_url, prefix=KEY_PREFIX) if redis_url else MemoryStore()
    return SmsSessionStore(backend, ttl_seconds)
