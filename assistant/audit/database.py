"""Engine and migrations of the audit database.

The engine comes from `scheduling.db.make_engine`, so SQLite transactions start with
`BEGIN IMMEDIATE` and concurrent appenders queue on the database lock. The Alembic history lives
in `assistant/audit/migrations` and records its revision in `audit_alembic_version`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from scheduling.db import make_engine

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def make_audit_engine(url: str) -> Engine:
    """Create an engine for the audit database at `url`; SQL parameters stay out of errors."""
    if url.startswith("sqlite") and (":memory:" in url or url.rstrip("/") in ("sqlite:", "sqlite:/")):
        raise ValueError("in-memory SQLite cannot hold an audit log; set AUDIT_DATABASE_URL to a file or server")
    return make_engine(url)


def alembic_config(url: str) -> Config:
    """Build the Alembic configuration of the audit migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str) -> None:
    """Upgrade the audit tables at `url` to the newest revision; a no-op when current."""
    engine = make_audit_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()
    logger.info("Audit schema is at the newest migration")
