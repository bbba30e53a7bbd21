"""Security events for the audit log and compliance alerts.

Producers call `emit(event_type, **fields)`. Every registered sink receives
`(event_type, fields)` synchronously, in registration order. The default sink logs the event at
INFO, or at WARNING when `alert=True` (break-glass, lockouts), so compliance gets it even with
no audit consumer.

Fields carry ids, roles, codes and counts only, never PHI or secrets. `emit` enforces that
shape: every value must be None, a bool, an int, a float or a string of at most
MAX_FIELD_CHARS characters, and keys named in FORBIDDEN_FIELDS raise ValueError.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

logger = logging.getLogger(__name__)

MAX_FIELD_CHARS = 100
FORBIDDEN_FIELDS = frozenset({"password", "email", "name", "phone", "date_of_birth", "reason",
                              "summary", "code", "token", "session_token", "secret"})


class EventSink(Protocol):
    """Receiver of security events; it must not raise, and should return quickly."""

    def __call__(self, event_type: str, fields: dict[str, Any]) -> None: ...


def log_sink(event_type: str, fields: dict[str, Any]) -> None:
    """Log the event as `event <type> key=value ...`, at WARNING for alerts."""
    level = logging.WARNING if fields.get("alert") else logging.INFO
    details = " ".join(f"{key}={value}" for key, value in sorted(fields.items()))
    logger.log(level, "event %s %s", event_type, details)


_sinks: list[EventSink] = [log_sink]
_lock = threading.Lock()


def add_sink(sink: EventSink) -> Callable[[], None]:
    """Register `sink` and return a function that removes it again."""
    with _lock:
        _sinks.append(sink)

    def remove() -> None:
        with _lock:
            if sink in _sinks:
                _sinks.remove(sink)

    return remove


def emit(event_type: str, **fields: Any) -> None:
    """Send one event to every sink.

    Raises ValueError for a field name in FORBIDDEN_FIELDS or a value that is not a short
    scalar. This catches common mistakes only: a caller can still put PHI in an allowed field,
    so send ids. A sink that raises is logged and skipped.
    """
    for key, value in fields.items():
        if key in FORBIDDEN_FIELDS:
            raise ValueError(f"event field '{key}' may hold PHI or a secret; send an id instead")
        if value is not None and not isinstance(value, (bool, int, float, str)):
            raise ValueError(f"event field '{key}' is a {type(value).__name__}; send a scalar")
        if isinstance(value, str) and len(value) > MAX_FIELD_CHARS:
            raise ValueError(f"event field '{key}' is longer than {MAX_FIELD_CHARS} characters")

    with _lock:
        sinks = list(_sinks)
    for sink in sinks:
        try:
            sink(event_type, dict(fields))
        except Exception as exc:  # noqa: BLE001 - one broken consumer must not stop the others
            logger.error("Event sink %r failed on %s: %s", sink, event_type, type(exc).__name__)
