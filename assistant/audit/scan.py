"""The fast path of verification: stream one range of records and find its first broken link.

This module is imported by worker processes, so it keeps its imports light. It reads through
the DB-API connection, hashes with `canonical.row_hash` (C JSON encoder and hashlib), and stops
at the first problem, leaving the diagnosis of what kind of tampering it was to `verify`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Engine

from assistant.audit.canonical import GENESIS_HASH, RECORD_FIELDS, canonical_encoder

COLUMNS = (*RECORD_FIELDS, "record_hash")
SEQ = RECORD_FIELDS.index("seq")
PREV = RECORD_FIELDS.index("prev_hash")
FETCH_ROWS = 20_000


@dataclass(frozen=True)
class Finding:
    """A raw finding of the scan: "gap", "hash_mismatch", "link_broken" or "checkpoint_mismatch"."""

    kind: str
    seq: int


@dataclass(frozen=True)
class SegmentResult:
    """Outcome of scanning records [start, end]."""

    finding: Finding | None
    count: int
    last_seq: int
    last_hash: str


def scan_range(engine: Engine, start: int, end: int, checkpoint_hashes: dict[int, str]) -> SegmentResult:
    """Check records with start <= seq <= end: gap-free, each hash valid, each linked to the last.

    The link of the first record is checked against the stored hash of record start - 1; when
    that record is missing, the scan of the range before reports the gap instead.
    """
    placeholder = "?" if engine.dialect.name == "sqlite" else "%s"
    connection = engine.raw_connection()
    try:
        prev_hash: str | None = GENESIS_HASH
        if start > 1:
            lookup = connection.cursor()
            lookup.execute(f"SELECT record_hash FROM audit_records WHERE seq = {placeholder}", (start - 1,))
            found = lookup.fetchone()
            lookup.close()
            prev_hash = found[0] if found else None
        cursor = _streaming_cursor(engine, connection)
        cursor.execute(
            f"SELECT {', '.join(COLUMNS)} FROM audit_records "
            f"WHERE seq >= {placeholder} AND seq <= {placeholder} ORDER BY seq",
            (start, end),
        )
        result = _walk(cursor, start, end, prev_hash, checkpoint_hashes)
        cursor.close()
        return result
    finally:
        connection.close()


def _streaming_cursor(engine: Engine, connection):
    if engine.dialect.name == "postgresql":
        # A named cursor is server-side in psycopg, so rows arrive in batches, not all at once.
        cursor = connection.cursor(name="audit_verify_scan")
        cursor.itersize = FETCH_ROWS
        return cursor
    return connection.cursor()


def _walk(cursor, start: int, end: int, prev_hash: str | None, checkpoint_hashes: dict[int, str]) -> SegmentResult:
    expected = start
    last_hash = prev_hash or ""
    fields, sha256, join = RECORD_FIELDS, hashlib.sha256, "".join
    encode = canonical_encoder()
    count = 0
    while True:
        rows = cursor.fetchmany(FETCH_ROWS)
        if not rows:
            break
        for row in rows:
            seq = row[SEQ]
            stored = row[-1]
            if seq != expected:
                return SegmentResult(Finding("gap", expected), count, expected - 1, last_hash)
            # Inlined row_hash: zip stops at the 20 hashed fields, leaving record_hash out.
            if sha256(join(encode(dict(zip(fields, row)), 0)).encode("utf-8")).hexdigest() != stored:
                return SegmentResult(Finding("hash_mismatch", seq), count, seq - 1, last_hash)
            if prev_hash is not None and row[PREV] != prev_hash:
                return SegmentResult(Finding("link_broken", seq), count, seq - 1, last_hash)
            expected_checkpoint = checkpoint_hashes.get(seq)
            if expected_checkpoint is not None and expected_checkpoint != stored:
                return SegmentResult(Finding("checkpoint_mismatch", seq), count, seq - 1, last_hash)
            prev_hash = last_hash = stored
            expected += 1
            count += 1
    if expected <= end:
        return SegmentResult(Finding("gap", expected), count, expected - 1, last_hash)
    return SegmentResult(None, count, expected - 1, last_hash)


def scan_range_at(url: str, start: int, end: int, checkpoint_hashes: dict[int, str]) -> SegmentResult:
    """Run `scan_range` with a new engine for `url`; the entry point of worker processes."""
    from scheduling.db import make_engine

    engine = make_engine(url)
    try:
        return scan_range(engine, start, end, checkpoint_hashes)
    finally:
        engine.dispose()
