"""The append side of the audit log: sequence numbers, the hash chain and signed checkpoints.

Every append runs in one transaction that locks the single `audit_chain_head` row (`SELECT ...
FOR UPDATE` on PostgreSQL; on SQLite the transaction starts with `BEGIN IMMEDIATE`, which locks
the whole database). So sequence numbers stay gap-free and each record's `prev_hash` is the hash
of the record before it, whatever the number of threads or processes appending.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.exc import IntegrityError

from assistant.audit.canonical import canonical_json, format_time, parse_time, record_hash
from assistant.audit.events import AuditEvent, EventType, spec_of
from assistant.audit.payloads import PayloadCipher
from assistant.audit.records import AuditRecord
from assistant.audit.schema import HEAD_ROW_ID, chain_head, checkpoints, signing_keys
from assistant.audit.schema import records as records_table
from assistant.audit.signing import CheckpointSigner, checkpoint_message, public_key_pem

logger = logging.getLogger(__name__)

FIELD_LIMITS = {"actor_id": 128, "actor_role": 32, "tenant_id": 64, "site_id": 64, "patient_id": 64,
                "appointment_id": 64, "conversation_id": 64, "source_ip": 45, "source_channel": 16,
                "user_agent": 512, "correlation_id": 64}


class RecordSink(Protocol):
    """Receives each committed record, for example the JSON-lines stream. Must not raise."""

    def emit(self, record: AuditRecord) -> None: ...


class AlertEvaluator(Protocol):
    """Turns committed records into alert events (see `assistant.audit.alerts`)."""

    def evaluate(self, log: AuditLog, committed: Sequence[AuditRecord]) -> list[AuditEvent]: ...


class AuditLog:
    """Appends events to the chained, append-only audit log. Safe to share between threads."""

    def __init__(
        self,
        engine: Engine,
        signer: CheckpointSigner,
        cipher: PayloadCipher,
        *,
        checkpoint_every: int = 1000,
        checkpoint_interval: dt.timedelta = dt.timedelta(minutes=5),
        sinks: Iterable[RecordSink] = (),
        alerts: AlertEvaluator | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.engine = engine
        self.signer = signer
        self.cipher = cipher
        self.checkpoint_every = checkpoint_every
        self.checkpoint_interval = checkpoint_interval
        self.sinks = list(sinks)
        self.alerts = alerts
        self._clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))
        self._register_public_key()

    def append(self, event: AuditEvent) -> AuditRecord:
        """Append one event and return its stored record (see `append_many`)."""
        return self.append_many([event])[0]

    def append_many(self, events: Sequence[AuditEvent]) -> list[AuditRecord]:
        """Append events in order in one transaction and return their records.

        Payload fields are encrypted before the chain head is locked, so the lock is held only
        for hashing and inserting. Raises ValueError for an id longer than its column or
        `details` that JSON cannot represent; nothing is appended then.
        """
        if not events:
            return []
        prepared = [self._prepare(event) for event in events]
        with self.engine.begin() as connection:
            committed = self._insert(connection, prepared)
        self._after_commit(committed, events)
        return committed

    def checkpoint(self) -> int | None:
        """Sign the current head now if records were added since the last checkpoint.

        Returns the sequence number signed, or None when there was nothing new to sign.
        """
        with self.engine.begin() as connection:
            head = _lock_head(connection)
            if head.last_seq <= head.checkpoint_seq:
                return None
            now = format_time(self._clock())
            self._write_checkpoint(connection, head.checkpoint_seq, head.last_seq, head.last_hash, now)
            connection.execute(update(chain_head).where(chain_head.c.id == HEAD_ROW_ID)
                               .values(checkpoint_seq=head.last_seq, checkpoint_at=now))
            return head.last_seq

    def _prepare(self, event: AuditEvent) -> dict:
        spec = spec_of(event.type)
        values = {
            "event_id": event.event_id,
            "event_type": event.type.value,
            "action": spec.action,
            "outcome": event.outcome.value,
            "actor_id": event.actor.id,
            "actor_role": event.actor.role,
            "tenant_id": event.actor.tenant,
            "site_id": event.actor.site,
            "patient_id": event.subject.patient_id,
            "appointment_id": event.subject.appointment_id,
            "conversation_id": event.subject.conversation_id,
            "source_ip": event.source.ip,
            "source_channel": event.source.channel,
            "user_agent": event.source.user_agent,
            "correlation_id": event.correlation_id,
        }
        for name, limit in FIELD_LIMITS.items():
            value = values[name]
            if value is not None:
                value = values[name] = str(value)
                if len(value) > limit:
                    raise ValueError(f"audit field {name} is {len(value)} characters long; the limit is {limit}")
        try:
            values["details"] = canonical_json(event.details)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"details of a {event.type.value} event are not JSON-serialisable: {exc}") from exc
        values["payload"] = self.cipher.seal(event.event_id, values["patient_id"], event.phi_class, event.phi)
        return values

    def _insert(self, connection: Connection, prepared: list[dict]) -> list[AuditRecord]:
        head = _lock_head(connection)
        seq, prev_hash, last_time = head.last_seq, head.last_hash, head.last_recorded_at
        now = format_time(self._clock())
        rows = []
        for values in prepared:
            seq += 1
            # Never let time run backwards along the chain, even when the clock is stepped back.
            recorded_at = max(now, last_time) if last_time else now
            row = {**values, "seq": seq, "recorded_at": recorded_at, "prev_hash": prev_hash}
            row["record_hash"] = prev_hash = record_hash(row)
            last_time = recorded_at
            rows.append(row)
        connection.execute(records_table.insert(), rows)

        head_values = {"last_seq": seq, "last_hash": prev_hash, "last_recorded_at": last_time}
        if self._checkpoint_due(head, seq, now):
            self._write_checkpoint(connection, head.checkpoint_seq, seq, prev_hash, now)
            head_values.update(checkpoint_seq=seq, checkpoint_at=now)
        connection.execute(update(chain_head).where(chain_head.c.id == HEAD_ROW_ID).values(**head_values))
        return [AuditRecord.from_row(row) for row in rows]

    def _checkpoint_due(self, head, seq: int, now: str) -> bool:
        if head.checkpoint_at is None or seq - head.checkpoint_seq >= self.checkpoint_every:
            return True
        return parse_time(now) - parse_time(head.checkpoint_at) >= self.checkpoint_interval

    def _write_checkpoint(self, connection: Connection, previous: int, seq: int, hash_: str, now: str) -> None:
        key_id = self.signer.key_id
        signature = self.signer.sign(checkpoint_message(seq, previous, hash_, now, key_id))
        connection.execute(checkpoints.insert().values(
            seq=seq, prev_checkpoint_seq=previous, record_hash=hash_, signed_at=now,
            key_id=key_id, signature=signature,
        ))

    def _after_commit(self, committed: list[AuditRecord], events: Sequence[AuditEvent]) -> None:
        for record in committed:
            for sink in self.sinks:
                try:
                    sink.emit(record)
                except Exception as exc:  # noqa: BLE001 - the database copy is already committed
                    logger.error("Audit sink %s failed on record %d: %s", type(sink).__name__, record.seq,
                                 type(exc).__name__)
        if self.alerts is None or all(event.type == EventType.ALERT for event in events):
            return
        alerts = self.alerts.evaluate(self, committed)
        if alerts:
            self.append_many(alerts)

    def _register_public_key(self) -> None:
        key_id = self.signer.key_id
        with self.engine.connect() as connection:
            known = connection.execute(select(signing_keys.c.key_id).where(signing_keys.c.key_id == key_id)).first()
        if known is not None:
            return
        try:
            with self.engine.begin() as connection:
                connection.execute(signing_keys.insert().values(
                    key_id=key_id, public_key_pem=public_key_pem(self.signer.public_key),
                    created_at=format_time(self._clock()),
                ))
        except IntegrityError:
            logger.debug("Signing key %s was registered by another process", key_id)


def _lock_head(connection: Connection):
    head = connection.execute(
        select(chain_head).where(chain_head.c.id == HEAD_ROW_ID).with_for_update()
    ).first()
    if head is None:
        raise RuntimeError("the audit chain head row is missing; run the audit migrations")
    return head
