"""Application factory of the scheduling service."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from fastapi import FastAPI

from scheduling.config import Settings
from scheduling.db import make_engine, make_session_factory, migrate
from scheduling.errors import UnexpectedErrorMiddleware, install_error_handlers
from scheduling.limits import BodySizeLimitMiddleware
from scheduling.auth.throttle import Throttle
from scheduling.routers import (
    admin_exports,
    admin_staff,
    appointments,
    auth,
    directory,
    escalations,
    mfa,
    oidc,
    patients,
    sessions,
    sign_in,
    slots,
    sms_identity,
    staff_appointments,
    staff_break_glass,
    staff_escalations,
    staff_patients,
)
from scheduling.sessions.service import SessionService
from scheduling.sessions.store import KeyValueStore, build_store

logger = logging.getLogger(__name__)

IN_MEMORY_SQLITE_URLS = ("sqlite://", "sqlite:///:memory:", "sqlite+pysqlite:///:memory:")


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


ROUTERS = (auth, sign_in, mfa, sessions, oidc, patients, directory, slots, appointments,
           escalations, staff_patients, staff_appointments, staff_escalations, staff_break_glass,
           admin_staff, admin_exports, sms_identity)


def create_app(settings: Settings, clock: Callable[[], dt.datetime] = _utc_now,
               store: KeyValueStore | None = None) -> FastAPI:
    """Build the API: migrate the database to the newest schema, then mount every router.

    `clock` returns the current aware UTC time; tests replace it to pin "now". `store` keeps
    sessions and sign-in throttles; by default Redis at REDIS_URL, else process memory. Raises
    ValueError for an in-memory SQLite URL.
    """
    assert settings.database_url is not None
    if settings.database_url in IN_MEMORY_SQLITE_URLS:
        raise ValueError("DATABASE_URL names an in-memory SQLite database, which each connection "
                         "sees empty. Use a file, such as sqlite:///./.data/scheduling.sqlite3.")
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)

    app = FastAPI(
        title="Clinic scheduling API",
        version="1.0.0",
        description="Slots, bookings and escalations for patients, and the staff and admin "
                    "endpoints of the hand-off console.",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.clock = clock
    store = store if store is not None else build_store(settings.redis_url)
    app.state.sessions = SessionService(store, settings)
    app.state.throttle = Throttle(store, settings)

    install_error_handlers(app)
    app.add_middleware(BodySizeLimitMiddleware)
    app.add_middleware(UnexpectedErrorMiddleware)
    for module in ROUTERS:
        app.include_router(module.router)
    logger.info("Scheduling API created on a %s database", engine.dialect.name)
    return app
