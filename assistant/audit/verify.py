"""Verify the audit log: walk the chain and the signed checkpoints, report the first tampering.

Kinds of tampering reported, each with the sequence number where it starts:

- `edited`: a record's content no longer matches its hash, or matches a hash that its successor
  or a signed checkpoint does not commit to (a record rewritten and rehashed).
- `deleted`: sequence numbers are missing, or later records were renumbered to close the gap.
- `reordered`: a record sits at a position other than the one it was hashed at.
- `truncated`: the log ends before the seq recorded by the chain head or a signed checkpoint.
- `checkpoint_invalid`, `checkpoint_deleted`: a checkpoint's signature is wrong or made with an
  untrusted key, or the chain of checkpoints has a gap.

NOTE: an attacker with write access who deletes the tail, every later checkpoint and rewinds the
chain-head row leaves a shorter but consistent log. Only an anchor kept outside the database
catches that, such as the JSON-lines stream: pass its last seq and hash as `expected_head`.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass

from sqlalchemy import Engine, func, select

from assistant.audit.canonical import GENESIS_HASH, format_time, row_hash
from assistant.audit.scan import COLUMNS, SEQ, Finding, SegmentResult, scan_range, scan_range_at
from assistant.audit.schema import HEAD_ROW_ID, chain_head, checkpoints, records, verifications
from assistant.audit.signing import TrustedKeys, checkpoint_message

logger = logging.getLogger(__name__)

PARALLEL_MIN_RECORDS = 200_000
DIAGNOSIS_WINDOW = 50


@dataclass(frozen=True)
class Tampering:
    """The first problem found: its kind, the sequence number where it starts, and a message."""

    kind: str
    seq: int
    message: str


@dataclass(frozen=True)
class VerificationReport:
    """Result of one verification run."""

    ok: bool
    records_checked: int
    checkpoints_checked: int
    last_seq: int
    last_hash: str
    problem: Tampering | None
    started_at: str
    duration_seconds: float

    def to_dict(self) -> dict:
        return asdict(self)


def verify_log(
    engine: Engine,
    trusted: TrustedKeys,
    *,
    workers: int | None = None,
    expected_head: tuple[int, str] | None = None,
    save: bool = True,
) -> VerificationReport:
    """Verify every record and checkpoint; store the result in `audit_verifications` when `save`.

    `workers` > 1 scans ranges in parallel processes (default: one per CPU for large logs).
    `expected_head` is (seq, record_hash) from a copy kept outside the database.
    """
    started = dt.datetime.now(dt.timezone.utc)
    clock = time.perf_counter()
    with engine.connect() as connection:
        head = connection.execute(select(chain_head).where(chain_head.c.id == HEAD_ROW_ID)).first()
        max_seq = connection.execute(select(func.max(records.c.seq))).scalar() or 0
        checkpoint_rows = connection.execute(select(checkpoints).order_by(checkpoints.c.seq)).all()

    findings: list[Tampering] = []
    checkpoint_problem = _check_checkpoints(checkpoint_rows, trusted)
    if checkpoint_problem:
        findings.append(checkpoint_problem)
    checkpoint_hashes = {row.seq: row.record_hash for row in checkpoint_rows}

    segment = _scan(engine, max_seq, checkpoint_hashes, workers)
    if segment.finding is not None:
        findings.append(_diagnose(engine, segment.finding, checkpoint_rows))
    else:
        truncation = _check_length(segment, head, checkpoint_rows, expected_head)
        if truncation:
            findings.append(truncation)

    problem = min(findings, key=lambda finding: finding.seq) if findings else None
    report = VerificationReport(
        ok=problem is None,
        records_checked=segment.count,
        checkpoints_checked=len(checkpoint_rows),
        last_seq=segment.last_seq,
        last_hash=segment.last_hash,
        problem=problem,
        started_at=format_time(started),
        duration_seconds=round(time.perf_counter() - clock, 3),
    )
    if problem:
        logger.error("Audit log verification failed: %s at seq %d", problem.kind, problem.seq)
    else:
        logger.info("Audit log verified: %d records, %d checkpoints", report.records_checked, report.checkpoints_checked)
    if save:
        _save(engine, report)
    return report


def _check_checkpoints(rows, trusted: TrustedKeys) -> Tampering | None:
    previous = 0
    for row in rows:
        if row.prev_checkpoint_seq != previous:
            return Tampering("checkpoint_deleted", previous + 1,
                             f"the checkpoint at seq {row.seq} follows seq {row.prev_checkpoint_seq}, "
                             f"but the checkpoint before it is at seq {previous}")
        message = checkpoint_message(row.seq, row.prev_checkpoint_seq, row.record_hash, row.signed_at, row.key_id)
        if not trusted.verify(row.key_id, message, row.signature):
            reason = "its signature is invalid" if row.key_id in trusted else f"key {row.key_id} is not trusted"
            return Tampering("checkpoint_invalid", row.seq, f"the checkpoint at seq {row.seq} failed: {reason}")
        previous = row.seq
    return None


def _scan(engine: Engine, max_seq: int, checkpoint_hashes: dict[int, str], workers: int | None) -> SegmentResult:
    if max_seq == 0:
        return SegmentResult(None, 0, 0, GENESIS_HASH)
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count <= 1 or max_seq < PARALLEL_MIN_RECORDS:
        return scan_range(engine, 1, max_seq, checkpoint_hashes)

    bounds = [(1 + max_seq * index // count, max_seq * (index + 1) // count) for index in range(count)]
    url = engine.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        parts = list(pool.map(scan_range_at, [url] * count, [start for start, _ in bounds],
                              [end for _, end in bounds], [checkpoint_hashes] * count))
    checked = 0
    for part in parts:
        checked += part.count
        if part.finding is not None:
            return SegmentResult(part.finding, checked, part.last_seq, part.last_hash)
    return SegmentResult(None, checked, parts[-1].last_seq, parts[-1].last_hash)


def _check_length(segment: SegmentResult, head, checkpoint_rows, expected_head) -> Tampering | None:
    claims = []
    if head is not None:
        claims.append((head.last_seq, "the chain head"))
    if checkpoint_rows:
        claims.append((checkpoint_rows[-1].seq, "a signed checkpoint"))
    if expected_head is not None:
        claims.append((expected_head[0], "the expected head"))
    for claimed, source in sorted(claims, reverse=True):
        if claimed > segment.last_seq:
            return Tampering("truncated", segment.last_seq + 1,
                             f"records from seq {segment.last_seq + 1} on are missing; {source} records that the log "
                             f"reached seq {claimed}")
    if head is not None and head.last_seq == segment.last_seq and head.last_hash != segment.last_hash:
        return Tampering("edited", segment.last_seq,
                         f"record {segment.last_seq} does not match the hash the chain head committed to")
    if expected_head is not None and expected_head[0] == segment.last_seq and expected_head[1] != segment.last_hash:
        return Tampering("edited", segment.last_seq,
                         f"record {segment.last_seq} does not match the expected head hash")
    return None


def _diagnose(engine: Engine, finding: Finding, checkpoint_rows) -> Tampering:
    """Name the kind of tampering behind a raw scan finding by looking at nearby records."""
    seq = finding.seq
    if finding.kind == "gap":
        return Tampering("deleted", seq, f"record {seq} is missing from the sequence")
    if finding.kind == "checkpoint_mismatch":
        earlier = [row.seq for row in checkpoint_rows if row.seq < seq]
        first = (earlier[-1] if earlier else 0) + 1
        return Tampering("edited", first,
                         f"records between seq {first} and {seq} were rewritten and rehashed: record {seq} "
                         "no longer matches its signed checkpoint")

    window = _window(engine, seq)
    row = window[seq]
    if finding.kind == "hash_mismatch":
        origin = _origin(row, window)
        if origin is None:
            return Tampering("edited", seq, f"record {seq} was changed after it was written")
        moved_here = any(_origin(other, window) == seq for other in window.values())
        if origin > seq and not moved_here:
            return Tampering("deleted", seq,
                             f"record {seq} is missing: later records were renumbered down to close the gap")
        return Tampering("reordered", seq, f"record {seq} was written at seq {origin} and moved")

    # A valid record whose prev_hash names something other than its predecessor.
    holders = [other_seq for other_seq, other in window.items() if other[-1] == row[COLUMNS.index("prev_hash")]]
    if holders and holders[0] != seq - 1:
        return Tampering("reordered", seq, f"record {seq} follows record {holders[0]} in the chain, not {seq - 1}")
    return Tampering("edited", seq - 1,
                     f"record {seq - 1} was rewritten and rehashed: record {seq} committed to another hash")


def _window(engine: Engine, seq: int) -> dict[int, tuple]:
    columns = [records.c[name] for name in COLUMNS]
    query = select(*columns).where(records.c.seq.between(seq - DIAGNOSIS_WINDOW, seq + DIAGNOSIS_WINDOW))
    with engine.connect() as connection:
        return {row[SEQ]: tuple(row) for row in connection.execute(query)}


def _origin(row: tuple, window: dict[int, tuple]) -> int | None:
    """Return the seq a row was hashed at, if it is within the window, else None."""
    for candidate in window:
        if row_hash(row[:-1], seq=candidate) == row[-1]:
            return candidate
    return None


def _save(engine: Engine, report: VerificationReport) -> None:
    problem = report.problem
    with engine.begin() as connection:
        connection.execute(verifications.insert().values(
            started_at=report.started_at,
            finished_at=format_time(dt.datetime.now(dt.timezone.utc)),
            ok=report.ok,
            records_checked=report.records_checked,
            checkpoints_checked=report.checkpoints_checked,
            last_seq=report.last_seq,
            problem_kind=problem.kind if problem else None,
            problem_seq=problem.seq if problem else None,
            message=problem.message if problem else None,
        ))
