"""Failed sign-in throttling per account and per client address.

Each key counts failures for a day after the last one. From the limit on (ACCOUNT_FAILURE_LIMIT
for an account, ADDRESS_FAILURE_LIMIT for an address) every further failure locks the key for
LOCKOUT_BASE_SECONDS * 2^(failures - limit), capped at LOCKOUT_MAX_SECONDS. A locked key is
rejected with 429 before any password is checked. Keys are built from the submitted email, so
an unknown email locks exactly like a real one and the response reveals nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math

from scheduling.config import Settings
from scheduling.errors import ApiError
from scheduling.events import emit
from scheduling.sessions.store import KeyValueStore

logger = logging.getLogger(__name__)

FAILURE_WINDOW_SECONDS = 24 * 3600
LOCKED_MESSAGE = ("Too many failed sign-in attempts. Wait {seconds} seconds, then try again, or "
                  "contact the clinic.")


def account_key(kind: str, email: str) -> str:
    """Return the throttle key of a sign-in email, hashed so the store keeps no email address."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return f"throttle:account:{kind}:{digest}"


def address_key(address: str) -> str:
    """Return the throttle key of a client address."""
    return f"throttle:address:{address}"


class Throttle:
    """Failure counters and lockouts kept in the session store."""

    def __init__(self, store: KeyValueStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def check(self, keys: list[str], now: dt.datetime) -> None:
        """Raise ApiError 429 `too_many_attempts` with Retry-After while any key is locked."""
        moment = now.timestamp()
        wait = 0.0
        for key in keys:
            record = self.store.get(key)
            if record and record.get("locked_until", 0) > moment:
                wait = max(wait, record["locked_until"] - moment)
        if wait > 0:
            seconds = math.ceil(wait)
            raise ApiError(429, "too_many_attempts", LOCKED_MESSAGE.format(seconds=seconds),
                           headers={"Retry-After": str(seconds)})

    def record_failure(self, account: str, address: str, now: dt.datetime) -> None:
        """Count one failure against the account key and the address key."""
        self._fail(account, self.settings.account_failure_limit, now)
        self._fail(address, self.settings.address_failure_limit, now)

    def reset(self, key: str) -> None:
        """Forget the failures of `key`, after a successful sign-in."""
        self.store.delete(key)

    def _fail(self, key: str, limit: int, now: dt.datetime) -> None:
        # NOTE: read-modify-write, so two concurrent failures may count once; the lockout still
        # engages one attempt later.
        moment = now.timestamp()
        record = self.store.get(key) or {"failures": 0, "locked_until": 0}
        record["failures"] += 1
        if record["failures"] >= limit:
            exponent = record["failures"] - limit
            lock = min(self.settings.lockout_base_seconds * 2 ** min(exponent, 30),
                       self.settings.lockout_max_seconds)
            record["locked_until"] = moment + lock
            logger.warning("Locked sign-in key %s for %s s after %s failures", key.split(":")[1],
                           lock, record["failures"])
            emit("auth.lockout", alert=True, scope=key.split(":")[1], seconds=lock,
                 failures=record["failures"])
        self.store.put(key, record, FAILURE_WINDOW_SECONDS)
