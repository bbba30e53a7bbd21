"""Argon2id password hashing with the cost set in `Settings`.

`verify_password` hashes even when there is no stored hash (unknown account), against a dummy
hash of the same cost, so the response time does not reveal whether an account exists.
"""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from scheduling.config import Settings

MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 256


@functools.lru_cache(maxsize=8)
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


@functools.lru_cache(maxsize=8)
def _dummy_hash(time_cost: int, memory_kib: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_kib, parallelism).hash("no account has this password")


def hasher_for(settings: Settings) -> PasswordHasher:
    """Return the argon2id hasher configured by ARGON2_TIME_COST, _MEMORY_KIB and _PARALLELISM."""
    return _hasher(settings.argon2_time_cost, settings.argon2_memory_kib,
                   settings.argon2_parallelism)


def hash_password(password: str, settings: Settings) -> str:
    """Return the argon2id hash string of `password`."""
    return hasher_for(settings).hash(password)


def verify_password(stored_hash: str | None, password: str, settings: Settings) -> bool:
    """Return True when `password` matches `stored_hash`; always spends one hash's time."""
    hasher = hasher_for(settings)
    if stored_hash is None:
        dummy = _dummy_hash(settings.argon2_time_cost, settings.argon2_memory_kib,
                            settings.argon2_parallelism)
        try:
            hasher.verify(dummy, password)
        except VerificationError:
            pass
        return False
    try:
        return hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password_strength(password: str) -> None:
    """Raise ValueError unless the password has 12 to 256 characters and is not all one kind.

    The rule follows NIST SP 800-63B: length matters, composition rules do not, so only a
    password of one repeated character is rejected beyond the length check.
    """
    if not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
        raise ValueError(f"must have {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters; "
                         "use a longer passphrase")
    if len(set(password)) == 1:
        raise ValueError("must not repeat a single character; use a passphrase")
