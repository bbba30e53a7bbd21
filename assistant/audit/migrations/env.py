"""Alembic environment of the audit log, with its own version table.

It runs on the connection that `assistant.audit.database.migrate` passes, and keeps its revision
in `audit_alembic_version`, so the audit tables can share a database with the scheduling
tables without either history seeing the other's revisions.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from assistant.audit.schema import metadata
from scheduling.db import make_engine

VERSION_TABLE = "audit_alembic_version"

config = context.config


def _include_object(obj, name, type_, reflected, compare_to) -> bool:
    # Autogenerate must only look at audit tables, never at the scheduling tables beside them.
    return type_ != "table" or name.startswith("audit_")


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        include_object=_include_object,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate through the given connection, or open one from `sqlalchemy.url`."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return

    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.begin() as new_connection:
            _run(new_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run them against a database")
run_migrations_online()
