"""Benchmark the audit log: append throughput and verification time of a large chain.

    .venv/bin/python scripts/bench_audit.py [--records 1000000] [--append 20000] [--database-url URL]

Appends real events (one encrypted payload field each) through `AuditLog.append`,
`append_many` and a `GroupCommitWriter` fed by 8 threads, then bulk-generates a valid chain of `--records` records with signed checkpoints
every 1,000 records, and times `verify_log` on it. The default database is a new SQLite file in
a temporary directory. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.audit import Actor, AuditEvent, EventType, Source, Subject  # noqa: E402
from assistant.audit.batching import GroupCommitWriter  # noqa: E402
from assistant.audit.canonical import GENESIS_HASH, canonical_json, format_time, record_hash  # noqa: E402
from assistant.audit.database import make_audit_engine, migrate  # noqa: E402
from assistant.audit.keyring import load_keyring  # noqa: E402
from assistant.audit.log import AuditLog  # noqa: E402
from assistant.audit.payloads import PayloadCipher  # noqa: E402
from assistant.audit.schema import chain_head, checkpoints, records  # noqa: E402
from assistant.audit.signing import TrustedKeys, checkpoint_message, load_signer  # noqa: E402
from assistant.audit.verify import verify_log  # noqa: E402

ACTOR = Actor("patient-1", "patient", "org-1")
CHECKPOINT_EVERY = 1000
INSERT_BATCH = 10_000


def _event(index: int) -> AuditEvent:
    return AuditEvent(EventType.REPLY_DELIVERED, ACTOR,
                      Subject(patient_id=str(index % 50 + 1), conversation_id=f"conv-{index % 500}"),
                      Source(channel="web"), correlation_id=f"turn-{index // 8}",
                      details={"length": 64, "handoff": False},
                      phi={"reply": f"Synthetic reply number {index} for the benchmark."}, phi_class="transcript")


def _build_log(url: str, data_dir: Path) -> AuditLog:
    engine = make_audit_engine(url)
    return AuditLog(engine, load_signer(None, data_dir), PayloadCipher(engine, load_keyring(None, data_dir)),
                    checkpoint_every=CHECKPOINT_EVERY)


def measure_append(log: AuditLog, count: int, batch: int) -> float:
    """Append `count` events in batches of `batch`; return records per second."""
    started = time.perf_counter()
    for first in range(0, count, batch):
        events = [_event(index) for index in range(first, min(first + batch, count))]
        if batch == 1:
            log.append(events[0])
        else:
            log.append_many(events)
    return count / (time.perf_counter() - started)


def measure_group_commit(log: AuditLog, count: int, producers: int = 8) -> float:
    """Submit `count` events from `producers` threads through one GroupCommitWriter; return records/s."""
    writer = GroupCommitWriter(log)
    futures = []
    lock = threading.Lock()

    def produce(offset: int) -> None:
        mine = [writer.submit(_event(index)) for index in range(offset, count, producers)]
        with lock:
            futures.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=produce, args=(offset,)) for offset in range(producers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for future in futures:
        future.result()
    elapsed = time.perf_counter() - started
    writer.close()
    return count / elapsed


def generate_chain(log: AuditLog, total: int) -> float:
    """Insert a valid chain of `total` records after the current head; return the seconds taken."""
    started = time.perf_counter()
    with log.engine.connect() as connection:
        head = connection.execute(chain_head.select()).one()
    seq, prev_hash, checkpoint_seq = head.last_seq, head.last_hash, head.checkpoint_seq
    now = format_time(dt.datetime.now(dt.timezone.utc))
    details = canonical_json({"length": 64, "handoff": False})
    while seq < total:
        rows, signed = [], []
        for _ in range(min(INSERT_BATCH, total - seq)):
            seq += 1
            event_id = f"00000000-0000-4000-8000-{seq:012d}"
            payload = log.cipher.seal(event_id, str(seq % 50 + 1), "transcript", {"reply": "synthetic"}) \
                if seq % 4 == 0 else None
            row = {
                "seq": seq, "event_id": event_id, "recorded_at": now, "event_type": "reply_delivered",
                "action": "E", "outcome": "success", "actor_id": "patient-1", "actor_role": "patient",
                "tenant_id": "org-1", "site_id": None, "patient_id": str(seq % 50 + 1), "appointment_id": None,
                "conversation_id": f"conv-{seq % 500}", "source_ip": None, "source_channel": "web",
                "user_agent": None, "correlation_id": f"turn-{seq // 8}", "details": details,
                "payload": payload, "prev_hash": prev_hash,
            }
            row["record_hash"] = prev_hash = record_hash(row)
            rows.append(row)
            if seq - checkpoint_seq >= CHECKPOINT_EVERY:
                message = checkpoint_message(seq, checkpoint_seq, prev_hash, now, log.signer.key_id)
                signed.append({"seq": seq, "prev_checkpoint_seq": checkpoint_seq, "record_hash": prev_hash,
                               "signed_at": now, "key_id": log.signer.key_id,
                               "signature": log.signer.sign(message)})
                checkpoint_seq = seq
        with log.engine.begin() as connection:
            connection.execute(records.insert(), rows)
            if signed:
                connection.execute(checkpoints.insert(), signed)
            connection.execute(chain_head.update().values(last_seq=seq, last_hash=prev_hash, last_recorded_at=now,
                                                         checkpoint_seq=checkpoint_seq, checkpoint_at=now))
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="records in the chain to verify")
    parser.add_argument("--append", type=int, default=20_000, help="records appended per throughput case")
    parser.add_argument("--database-url", help="audit database (default: new SQLite file in a temporary directory)")
    parser.add_argument("--workers", type=int, default=None, help="verification processes (default: CPU count)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch)
        url = args.database_url or f"sqlite:///{data_dir / 'audit.sqlite3'}"
        migrate(url)
        log = _build_log(url, data_dir)
        results = {
            "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
            "database": log.engine.dialect.name,
            "append_one_per_transaction_per_s": round(measure_append(log, max(args.append // 10, 1), 1)),
            "append_batches_of_8_per_s": round(measure_append(log, args.append, 8)),
            "append_batches_of_100_per_s": round(measure_append(log, args.append, 100)),
            "append_group_commit_8_threads_per_s": round(measure_group_commit(log, args.append)),
        }
        results["generate_seconds"] = round(generate_chain(log, args.records), 1)
        trusted = TrustedKeys([log.signer.public_key])
        report = verify_log(log.engine, trusted, workers=args.workers, save=False)
        results.update(verify_ok=report.ok, verified_records=report.records_checked,
                       verified_checkpoints=report.checkpoints_checked, verify_seconds=report.duration_seconds)
        single = verify_log(log.engine, trusted, workers=1, save=False)
        results["verify_one_process_seconds"] = single.duration_seconds
        log.engine.dispose()
    print(json.dumps(results))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
