"""Engine, sessions and migrations.

SQLite connections run every transaction as `BEGIN IMMEDIATE`, so concurrent writers queue on
the database lock (up to SQLITE_BUSY_TIMEOUT_SECONDS) instead of failing midway with
"database is locked". PostgreSQL needs nothing special: the unique constraints do the work.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from scheduling.models import Organization

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_SECONDS = 30


def make_engine(url: str) -> Engine:
    """Create an engine for `url`, configured for safe concurrent writes on SQLite.

    SQL parameters are hidden from exception text, because they can contain PHI.
    """
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, hide_parameters=True)

    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
                           hide_parameters=True)
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_immediate)
    return engine


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # Autocommit at the driver level, so the "begin" hook below controls the transaction.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _begin_immediate(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory whose objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    """Build the Alembic configuration for the migrations shipped in this package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str) -> None:
    """Upgrade the database at `url` to the newest migration; a no-op when it is current."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()
    logger.info("Database schema is at the newest migration")


def is_empty(session: Session) -> bool:
    """Return True when the database has no organization yet, so seeding would add one."""
    return session.scalar(select(Organization.id).limit(1)) is None
