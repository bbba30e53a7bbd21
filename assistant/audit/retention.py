"""Retention: per data class, delete or crypto-shred what has expired, and record the evidence.

Data classes and what expiry does:

- `transcripts`: shreds the data keys of delivered replies (payload class "transcript").
- `audit_payloads`: shreds the data keys of the other encrypted fields (tool arguments,
  re-identification mappings, re-identified model output).
- `conversations`: calls each registered purger (for example one that deletes stored
  conversations or escalation summaries), which deletes rows older than the cutoff.

Audit records themselves are never deleted, so the chain stays verifiable. Data keys are per
calendar month, so a month's payloads are shredded once the whole month is older than the
cutoff: payloads live up to one month past their retention period.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Protocol

from sqlalchemy import and_, func, select

from assistant.audit.canonical import format_time
from assistant.audit.events import SYSTEM_ACTOR, Actor, AuditEvent, EventType, Source, Subject
from assistant.audit.log import AuditLog
from assistant.audit.schema import data_keys
from assistant.audit.settings import AuditSettings

logger = logging.getLogger(__name__)

PAYLOAD_CLASSES = {"transcripts": "transcript", "audit_payloads": "audit_payload"}


class Purger(Protocol):
    """Deletes the rows of one data class that are older than `cutoff`, returning the count."""

    def __call__(self, cutoff: dt.datetime, dry_run: bool) -> int: ...


@dataclass(frozen=True)
class RetentionPolicy:
    """Retention period in days per data class."""

    conversations_days: int = 30
    transcripts_days: int = 365
    audit_payloads_days: int = 2190

    @classmethod
    def from_settings(cls, settings: AuditSettings) -> RetentionPolicy:
        return cls(settings.retention_conversations_days, settings.retention_transcripts_days,
                   settings.retention_audit_payloads_days)

    def days(self, data_class: str) -> int:
        return getattr(self, f"{data_class}_days")


@dataclass(frozen=True)
class RetentionResult:
    """Counts per data class (None where no purger is registered), cutoffs and the evidence seq."""

    counts: dict[str, int | None]
    cutoffs: dict[str, str]
    dry_run: bool
    evidence_seq: int | None

    def to_dict(self) -> dict:
        return asdict(self)


def run_retention_policy(
    log: AuditLog,
    policy: RetentionPolicy,
    *,
    purgers: Mapping[str, Purger] | None = None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    actor: Actor = SYSTEM_ACTOR,
) -> RetentionResult:
    """Apply `policy` and append a `retention_purge` record with the counts (also for a dry run).

    `purgers` may map "conversations" to a Purger; without one that class is reported with count
    None and named in the evidence as not purged. Raises ValueError for any other purger name.
    """
    unknown = sorted(set(purgers or {}) - {"conversations"})
    if unknown:
        raise ValueError(f"no retention period for {', '.join(unknown)}; register a purger for conversations only")
    moment = now or dt.datetime.now(dt.timezone.utc)
    counts: dict[str, int | None] = {}
    cutoffs: dict[str, str] = {}
    for data_class, payload_class in PAYLOAD_CLASSES.items():
        cutoff = moment - dt.timedelta(days=policy.days(data_class))
        cutoffs[data_class] = format_time(cutoff)
        before_epoch = f"{cutoff:%Y-%m}"
        if dry_run:
            counts[data_class] = _count_keys(log, payload_class, before_epoch)
        else:
            counts[data_class] = log.cipher.shred(data_class=payload_class, before_epoch=before_epoch)

    cutoff = moment - dt.timedelta(days=policy.conversations_days)
    cutoffs["conversations"] = format_time(cutoff)
    purger = (purgers or {}).get("conversations")
    counts["conversations"] = purger(cutoff, dry_run) if purger is not None else None

    evidence = log.append(AuditEvent(
        EventType.RETENTION_PURGE, actor, source=Source(channel="cli"),
        details={"counts": counts, "cutoffs": cutoffs, "dry_run": dry_run,
                 "not_purged": sorted(name for name, count in counts.items() if count is None)},
    ))
    logger.info("Retention run finished: %s (dry run: %s), evidence record %d", counts, dry_run, evidence.seq)
    return RetentionResult(counts, cutoffs, dry_run, evidence.seq)


def crypto_shred_patient(log: AuditLog, patient_id: str | int, *, actor: Actor, source: Source,
                         reason_code: str = "erasure_request") -> int:
    """Shred every data key of one patient, record the evidence, and return the key count."""
    count = log.cipher.shred(patient_id=str(patient_id))
    log.append(AuditEvent(EventType.CRYPTO_SHRED, actor, Subject(patient_id=str(patient_id)), source,
                          details={"keys_shredded": count, "reason_code": reason_code}))
    return count


def _count_keys(log: AuditLog, payload_class: str, before_epoch: str) -> int:
    query = select(func.count()).select_from(data_keys).where(and_(
        data_keys.c.data_class == payload_class, data_keys.c.epoch < before_epoch,
        data_keys.c.wrapped_key.is_not(None),
    ))
    with log.engine.connect() as connection:
        return int(connection.execute(query).scalar() or 0)
