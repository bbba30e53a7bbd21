"""Request dependencies that read what `create_app` stored on the application."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from scheduling.config import Settings


def get_settings(request: Request) -> Settings:
    """Return the settings the application was created with."""
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    """Yield a database session for one request and close it afterwards."""
    with request.app.state.session_factory() as session:
        yield session


def get_now(request: Request) -> dt.datetime:
    """Return the current UTC time from the application's clock (replaceable in tests)."""
    return request.app.state.clock()


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
NowDep = Annotated[dt.datetime, Depends(get_now)]


def booking_lead(request: Request) -> dt.timedelta:
    """Return the notice patients must give when booking online (BOOKING_LEAD_MINUTES)."""
    return dt.timedelta(minutes=request.app.state.settings.booking_lead_minutes)
