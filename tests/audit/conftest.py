"""Audit fixtures: a migrated audit database per test on SQLite and PostgreSQL, and a log on it.

On SQLite the audit tables share the scheduling database file, as they do by default. On
PostgreSQL each test gets its own database on the `database_url` server, because audit rows are
append-only and cannot be emptied between tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.audit.database import make_audit_engine, migrate
from assistant.audit.keyring import load_keyring
from assistant.audit.log import AuditLog
from assistant.audit.payloads import PayloadCipher
from assistant.audit.signing import TrustedKeys, load_signer
from tests.fixtures.database import temporary_postgres_database


@pytest.fixture
def audit_url(database_url: str) -> Iterator[str]:
    """URL of a migrated audit database (the scheduling one on SQLite, a fresh one on PostgreSQL)."""
    if database_url.startswith("sqlite"):
        migrate(database_url)
        yield database_url
        return

    with temporary_postgres_database(database_url, "audit_test", migrate) as url:
        yield url


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


class Clock:
    """A settable UTC clock for tests."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.timezone.utc))


def build_log(url: str, data_dir: Path, clock=None, **options) -> AuditLog:
    """Build an AuditLog on `url` with keys in `data_dir`."""
    engine = make_audit_engine(url)
    signer = load_signer(None, data_dir)
    cipher = PayloadCipher(engine, load_keyring(None, data_dir), clock=clock)
    return AuditLog(engine, signer, cipher, clock=clock, **options)


@pytest.fixture
def audit_log(audit_url: str, data_dir: Path) -> Iterator[AuditLog]:
    log = build_log(audit_url, data_dir, checkpoint_every=10)
    yield log
    log.engine.dispose()


@pytest.fixture
def trusted(data_dir: Path) -> TrustedKeys:
    return TrustedKeys([load_signer(None, data_dir).public_key])
