"""Concurrent appenders keep sequence numbers gap-free and the chain consistent."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from assistant.audit.schema import records
from assistant.audit.verify import verify_log
from tests.audit.conftest import build_log
from tests.audit.helpers import view_event

THREADS = 6
PER_THREAD = 25


def test_threads_keep_chain(audit_log, trusted):
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for index in range(PER_THREAD):
                if index % 5 == 0:
                    audit_log.append_many([view_event(str(worker)), view_event(str(worker))])
                else:
                    audit_log.append(view_event(str(worker)))
        except BaseException as exc:  # noqa: BLE001 - reported by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    expected = THREADS * (PER_THREAD + PER_THREAD // 5)
    with audit_log.engine.connect() as connection:
        seqs = connection.execute(select(records.c.seq).order_by(records.c.seq)).scalars().all()
    assert seqs == list(range(1, expected + 1))
    report = verify_log(audit_log.engine, trusted)
    assert report.ok, report.problem


def _append_in_process(url: str, data_dir: str, count: int, patient: str) -> None:
    log = build_log(url, Path(data_dir), checkpoint_every=7)
    for _ in range(count):
        log.append(view_event(patient))
    log.engine.dispose()


def test_processes_keep_chain(audit_url, audit_log, data_dir, trusted):
    if not audit_url.startswith("postgresql"):
        pytest.skip("several appending processes are a PostgreSQL deployment")
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_append_in_process, args=(audit_url, str(data_dir), 30, str(index)))
                 for index in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)

    assert [process.exitcode for process in processes] == [0, 0, 0, 0]
    with audit_log.engine.connect() as connection:
        seqs = connection.execute(select(records.c.seq).order_by(records.c.seq)).scalars().all()
    assert seqs == list(range(1, 121))
    report = verify_log(audit_log.engine, trusted)
    assert report.ok, report.problem
