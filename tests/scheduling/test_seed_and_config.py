"""Demo seed, settings and migrations."""

from __future__ import annotations

import datetime as dt
import logging
import stat
from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from pydantic import ValidationError
from sqlalchemy import func, select

from scheduling.config import Settings
from scheduling.db import alembic_config, is_empty, make_engine, make_session_factory, migrate
from scheduling.models import (
    AppointmentType,
    AvailabilityException,
    AvailabilityTemplate,
    Base,
    Provider,
    Site,
)
from scheduling.seed import seed_demo
from scheduling.slots import SlotFilter, search_slots

TODAY = dt.date(2027, 1, 4)


def _row_counts(session) -> dict[str, int]:
    return {table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables}


def test_seed_twice_adds_nothing(database_url: str) -> None:
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        assert is_empty(session)
        first = seed_demo(session, TODAY)
        counts = _row_counts(session)
        second = seed_demo(session, TODAY)
        assert not is_empty(session)
        assert _row_counts(session) == counts
        assert [patient.id for patient in second] == [patient.id for patient in first]
    engine.dispose()


def test_seed_builds_demo_clinic(database_url: str) -> None:
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        patients = seed_demo(session, TODAY)
        sites = session.scalars(select(Site)).all()
        providers = session.scalars(select(Provider)).all()
        checkup = session.scalar(select(AppointmentType).filter_by(name="General check-up"))
        saturdays = session.scalar(select(func.count()).select_from(AvailabilityTemplate)
                                   .where(AvailabilityTemplate.weekday == 5))
        holiday = session.scalar(select(AvailabilityException).filter_by(kind="holiday"))

        assert len({site.time_zone for site in sites}) >= 3
        assert len(providers) >= 6
        assert len({provider.specialty for provider in providers}) >= 5
        assert {"Dr. Ana Lee", "Dr. Anna Leigh"} <= {p.display_name for p in providers}
        assert checkup is not None
        assert checkup.aliases == ["checkup", "check-up", "physical", "annual visit",
                                   "annual exam", "wellness visit"]
        assert saturdays and saturdays > 0
        assert len(patients) >= 4
        for patient in patients:
            assert "555-01" in patient.phone
            assert patient.email.endswith("@example.com")

        assert holiday is not None and holiday.site_id is not None
        flt = SlotFilter(start_date=holiday.start_date, end_date=holiday.end_date,
                         site_id=holiday.site_id)
        now = dt.datetime.combine(TODAY, dt.time(), tzinfo=dt.timezone.utc)
        assert search_slots(session, patients[0].organization_id, flt, now, 100) == []
        last_day = TODAY + dt.timedelta(days=27)
        beyond = SlotFilter(start_date=last_day + dt.timedelta(days=1),
                            end_date=last_day + dt.timedelta(days=7))
        assert search_slots(session, patients[0].organization_id, beyond, now, 100) == []
    engine.dispose()


def test_migrate_is_idempotent(database_url: str) -> None:
    migrate(database_url)
    engine = make_engine(database_url)
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head
    engine.dispose()


def test_ttl_over_an_hour_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as raised:
        Settings(CLINIC_DATA_DIR=tmp_path, TOKEN_TTL_SECONDS=3601)
    assert "TOKEN_TTL_SECONDS is 3601" in str(raised.value)
    assert Settings(CLINIC_DATA_DIR=tmp_path, TOKEN_TTL_SECONDS=3600).token_ttl_seconds == 3600


def test_defaults_use_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               caplog: pytest.LogCaptureFixture) -> None:
    for name in ("DATABASE_URL", "TOKEN_SECRET", "TOKEN_TTL_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CLINIC_DATA_DIR", str(tmp_path / "data"))
    caplog.set_level(logging.INFO, logger="scheduling.config")

    settings = Settings()

    assert settings.token_ttl_seconds == 900
    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'scheduling.sqlite3'}"
    secret_file = tmp_path / "data" / "token-secret"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert settings.token_secret == secret_file.read_text()
    assert "SQLite is in use" in caplog.text
    assert "secret was generated" in caplog.text
    assert settings.token_secret not in caplog.text
    assert Settings().token_secret == settings.token_secret

