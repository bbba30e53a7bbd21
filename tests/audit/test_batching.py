"""Group commit appends many callers' events in shared transactions, in order and chained."""

from __future__ import annotations

import threading

from sqlalchemy import select

from assistant.audit.batching import GroupCommitWriter
from assistant.audit.schema import records
from assistant.audit.verify import verify_log
from tests.audit.helpers import view_event


def test_group_commit_keeps_chain(audit_log, trusted):
    writer = GroupCommitWriter(audit_log, max_batch=16)
    futures = []
    lock = threading.Lock()

    def produce(worker: int) -> None:
        mine = [writer.submit(view_event(str(worker))) for _ in range(40)]
        with lock:
            futures.extend(mine)

    threads = [threading.Thread(target=produce, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = sorted(future.result(timeout=30).seq for future in futures)
    writer.close()

    assert stored == list(range(1, 161))
    with audit_log.engine.connect() as connection:
        assert connection.execute(select(records.c.seq)).scalars().all() == stored
    assert verify_log(audit_log.engine, trusted).ok


def test_group_commit_reports_errors(audit_log):
    writer = GroupCommitWriter(audit_log)

    bad = writer.submit(view_event("x" * 80))
    writer.close()

    assert isinstance(bad.exception(timeout=30), ValueError)
