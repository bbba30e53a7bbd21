"""Group commit: many callers' events appended in shared transactions by one writer thread.

One transaction per record is bounded by the database's commit latency (an fsync on SQLite), so
busy services submit events here instead. Each `submit` returns a Future that resolves to the
stored record once its batch has committed, or to the exception that the batch raised.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future

from assistant.audit.events import AuditEvent
from assistant.audit.log import AuditLog
from assistant.audit.records import AuditRecord

logger = logging.getLogger(__name__)

_STOP = object()


class GroupCommitWriter:
    """Appends submitted events in batches of at most `max_batch`, in submission order."""

    def __init__(self, log: AuditLog, max_batch: int = 256) -> None:
        self.log = log
        self.max_batch = max_batch
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="audit-group-commit", daemon=True)
        self._thread.start()

    def submit(self, event: AuditEvent) -> Future[AuditRecord]:
        """Queue `event`; the returned Future resolves after its batch commits."""
        future: Future[AuditRecord] = Future()
        self._queue.put((event, future))
        return future

    def close(self, timeout: float | None = 30.0) -> None:
        """Append what is queued, then stop the writer thread."""
        self._queue.put(_STOP)
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            stopping = item is _STOP
            batch = [] if stopping else [item]
            while len(batch) < self.max_batch:
                try:
                    extra = self._queue.get_nowait()
                except queue.Empty:
                    break
                if extra is _STOP:
                    stopping = True
                    break
                batch.append(extra)
            if batch:
                self._commit(batch)
            if stopping:
                return

    def _commit(self, batch: list) -> None:
        try:
            stored = self.log.append_many([event for event, _ in batch])
        except Exception as exc:  # noqa: BLE001 - handed to every waiting caller
            logger.error("Audit group commit of %d events failed: %s", len(batch), type(exc).__name__)
            for _, future in batch:
                future.set_exception(exc)
            return
        for (_, future), record in zip(batch, stored):
            future.set_result(record)
