"""Query layer of the compliance console: search, conversation timelines, integrity status.

Reading decrypted payloads is itself an access to PHI, so `timeline(..., decrypt=True)`
requires a viewer and appends a `conversation_viewed` record before returning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Select, select

from assistant.audit.canonical import format_time
from assistant.audit.events import Actor, AuditEvent, EventType, Source, Subject
from assistant.audit.log import AuditLog
from assistant.audit.records import AuditRecord
from assistant.audit.schema import records, verifications

MAX_PAGE = 1000


@dataclass(frozen=True)
class AuditFilter:
    """Search criteria; every field is optional and they combine with AND.

    `since` is inclusive and `until` exclusive. `after_seq` pages forward from a seq.
    """

    patient_id: str | None = None
    actor_id: str | None = None
    conversation_id: str | None = None
    correlation_id: str | None = None
    event_types: Sequence[str] = field(default_factory=tuple)
    outcome: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    after_seq: int = 0

    def to_details(self) -> dict[str, Any]:
        """Return the criteria as JSON without PHI (ids, types and times), for audit details."""
        data = {
            "patient_id": self.patient_id, "actor_id": self.actor_id, "conversation_id": self.conversation_id,
            "correlation_id": self.correlation_id, "event_types": list(self.event_types), "outcome": self.outcome,
            "since": format_time(self.since) if self.since else None,
            "until": format_time(self.until) if self.until else None,
        }
        return {key: value for key, value in data.items() if value not in (None, [])}


@dataclass(frozen=True)
class TimelineEntry:
    """One record of a conversation timeline; `payload` is decrypted only when requested."""

    seq: int
    recorded_at: str
    event_type: str
    outcome: str
    actor_id: str
    details: dict[str, Any]
    payload: dict[str, Any] | None


@dataclass(frozen=True)
class TimelineTurn:
    """The records of one chat turn (one correlation id), in sequence order."""

    correlation_id: str | None
    entries: list[TimelineEntry]


class AuditQuery:
    """Read access to the audit log for the compliance console."""

    def __init__(self, log: AuditLog) -> None:
        self.log = log

    def search(self, criteria: AuditFilter, limit: int = 100) -> list[AuditRecord]:
        """Return up to `limit` (at most MAX_PAGE) matching records in sequence order."""
        if not 1 <= limit <= MAX_PAGE:
            raise ValueError(f"limit is {limit}; use 1 to {MAX_PAGE} and page with after_seq")
        with self.log.engine.connect() as connection:
            rows = connection.execute(self._select(criteria).limit(limit)).all()
        return [AuditRecord.from_row(row) for row in rows]

    def iter_search(self, criteria: AuditFilter, batch: int = MAX_PAGE) -> Iterator[AuditRecord]:
        """Yield every matching record in sequence order, reading `batch` rows at a time."""
        after = criteria.after_seq
        while True:
            page = self.search(replace(criteria, after_seq=after), limit=batch)
            yield from page
            if len(page) < batch:
                return
            after = page[-1].seq

    def timeline(self, conversation_id: str, *, decrypt: bool = False, viewer: Actor | None = None,
                 source: Source | None = None) -> list[TimelineTurn]:
        """Return the conversation's records grouped into turns, in order.

        Raises ValueError when `decrypt` is requested without a `viewer` to record the access for.
        """
        if decrypt and viewer is None:
            raise ValueError("decrypting a timeline needs the viewer, so the access can be audited")
        found = list(self.iter_search(AuditFilter(conversation_id=conversation_id)))
        if decrypt:
            patient_ids = {record.patient_id for record in found if record.patient_id}
            self.log.append(AuditEvent(
                EventType.CONVERSATION_VIEWED, viewer,
                Subject(patient_id=next(iter(patient_ids)) if len(patient_ids) == 1 else None,
                        conversation_id=conversation_id),
                source or Source(channel="console"), details={"decrypted": True, "record_count": len(found)},
            ))
        turns: dict[str | None, list[TimelineEntry]] = {}
        for record in found:
            payload = self.log.cipher.open(record.event_id, record.payload) if decrypt and record.payload else None
            entry = TimelineEntry(record.seq, record.recorded_at, record.event_type, record.outcome,
                                  record.actor_id, record.details_dict, payload)
            turns.setdefault(record.correlation_id, []).append(entry)
        return [TimelineTurn(correlation_id, entries) for correlation_id, entries in turns.items()]

    def integrity_status(self) -> dict[str, Any] | None:
        """Return the newest verification result, or None when the log was never verified."""
        with self.log.engine.connect() as connection:
            row = connection.execute(select(verifications).order_by(verifications.c.id.desc()).limit(1)).first()
        return dict(row._mapping) if row is not None else None

    def _select(self, criteria: AuditFilter) -> Select:
        query = select(records).where(records.c.seq > criteria.after_seq).order_by(records.c.seq)
        for column, value in (("patient_id", criteria.patient_id), ("actor_id", criteria.actor_id),
                              ("conversation_id", criteria.conversation_id),
                              ("correlation_id", criteria.correlation_id), ("outcome", criteria.outcome)):
            if value is not None:
                query = query.where(records.c[column] == str(value))
        if criteria.event_types:
            query = query.where(records.c.event_type.in_([EventType(value).value for value in criteria.event_types]))
        if criteria.since is not None:
            query = query.where(records.c.recorded_at >= format_time(criteria.since))
        if criteria.until is not None:
            query = query.where(records.c.recorded_at < format_time(criteria.until))
        return query

