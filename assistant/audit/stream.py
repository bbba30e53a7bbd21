"""Sinks that copy each audit record out of the database as one JSON line without PHI.

A line contains ids, types, the outcome and the hashes only: never `details` or the payload.
`AUDIT_STREAM` picks standard output, a file (appended, one line per record) or nothing;
`AUDIT_SYSLOG=HOST:PORT` also sends each line as an RFC 5424 message over UDP.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import socket
import sys
import threading
from pathlib import Path
from typing import TextIO

from assistant.audit.records import AuditRecord

logger = logging.getLogger(__name__)

STREAM_FIELDS = (
    "seq", "event_id", "recorded_at", "event_type", "action", "outcome", "actor_id", "actor_role",
    "tenant_id", "site_id", "patient_id", "appointment_id", "conversation_id", "source_channel",
    "correlation_id", "prev_hash", "record_hash",
)
"""Fields copied to the stream. Source IP and user agent stay in the database only."""

SYSLOG_FACILITY_AUTHPRIV = 10
SYSLOG_SEVERITY = {"success": 6, "failure": 5, "blocked": 5, "error": 3}  # informational, notice, error
SYSLOG_ALERT_SEVERITY = 1  # alert


def stream_line(record: AuditRecord) -> str:
    """Return the record's stream form: compact JSON of STREAM_FIELDS plus `has_payload`."""
    data = {name: getattr(record, name) for name in STREAM_FIELDS}
    data["has_payload"] = record.has_payload
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


class TextStreamSink:
    """Writes one line per record to an open text stream, such as standard output."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def emit(self, record: AuditRecord) -> None:
        with self._lock:
            self._stream.write(stream_line(record) + "\n")
            self._stream.flush()


class FileSink:
    """Appends one line per record to a file, opening it for each write so rotation works."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)

    def emit(self, record: AuditRecord) -> None:
        line = stream_line(record) + "\n"
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(line)


class SyslogSink:
    """Sends each record as an RFC 5424 message over UDP to `host:port`."""

    def __init__(self, host: str, port: int, app_name: str = "clinic-assistant") -> None:
        self.address = (host, port)
        self.app_name = app_name
        self.hostname = socket.gethostname() or "-"
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._socket = socket.socket(family, socket.SOCK_DGRAM)

    def emit(self, record: AuditRecord) -> None:
        self._socket.sendto(self.message(record), self.address)

    def message(self, record: AuditRecord) -> bytes:
        """Format the RFC 5424 message: header, structured data with the seq, then the JSON line."""
        severity = SYSLOG_ALERT_SEVERITY if record.event_type == "alert" else SYSLOG_SEVERITY.get(record.outcome, 6)
        priority = SYSLOG_FACILITY_AUTHPRIV * 8 + severity
        timestamp = record.recorded_at.replace("Z", "+00:00") if record.recorded_at else dt.datetime.now(
            dt.timezone.utc).isoformat()
        structured = f'[audit@32473 seq="{record.seq}" type="{record.event_type}"]'
        header = f"<{priority}>1 {timestamp} {self.hostname} {self.app_name} - {record.event_type} {structured} "
        return header.encode("utf-8") + b"\xef\xbb\xbf" + stream_line(record).encode("utf-8")

    def close(self) -> None:
        self._socket.close()


def sinks_from_settings(stream: str, syslog: tuple[str, int] | None, data_dir: Path) -> list:
    """Build the sinks that AUDIT_STREAM and AUDIT_SYSLOG configure."""
    sinks: list = []
    if stream == "stdout":
        sinks.append(TextStreamSink(sys.stdout))
    elif stream.startswith("file:"):
        path = Path(stream[len("file:"):])
        sinks.append(FileSink(path if path.is_absolute() else data_dir / path))
    if syslog is not None:
        sinks.append(SyslogSink(*syslog))
    return sinks
