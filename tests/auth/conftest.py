"""Fixtures of the sign-in and access tests: an in-process app with a movable clock.

`auth_app` seeds the demo clinic (one staff member per role, all with TOTP set up) and a second
tenant with its own admin, site, patient and escalation. Argon2 runs at its minimum cost so the
suite stays fast; the cost does not change any behaviour under test.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyotp
import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from scheduling import events
from scheduling.account_models import StaffMember
from scheduling.app import create_app
from scheduling.auth.crypto import encrypt_secret
from scheduling.config import Settings
from scheduling.models import Escalation, Patient, Site
from scheduling.seed import DEMO_STAFF_PASSWORD, seed_demo
from scheduling.sessions.service import SessionService
from scheduling.sessions.store import KeyValueStore, MemoryStore, RedisStore
from tests.fixtures.tenants import add_other_tenant

TEST_SECRET = "auth-test-secret-that-is-long-enough-for-hs256"
START = dt.datetime.now(dt.timezone.utc).replace(hour=18, minute=0, second=0, microsecond=0)
OTHER_ADMIN_EMAIL = "admin@other-tenant.example.com"


class Clock:
    """Application clock that tests move forward by hand."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move time forward, as `advance(minutes=16)`."""
        self.now += dt.timedelta(**delta)


@dataclass
class AuthApp:
    """The app under test, its clock, database and the ids of seeded rows."""

    client: TestClient
    clock: Clock
    settings: Settings
    session_factory: sessionmaker[Session]
    sessions: SessionService
    staff: dict[str, StaffMember]
    totp_secrets: dict[int, str]
    patients: list[Patient]
    other_patient_id: int
    other_escalation_id: int
    sites: dict[str, int]
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def totp_code(self, staff_id: int, offset_steps: int = 0) -> str:
        """Return the staff member's TOTP code at the app clock's time."""
        totp = pyotp.TOTP(self.totp_secrets[staff_id])
        return totp.at(self.clock.now + dt.timedelta(seconds=30 * offset_steps))

    def sign_in(self, email: str, password: str = DEMO_STAFF_PASSWORD) -> dict[str, Any]:
        """Password step of staff sign-in; fails the test unless it returns 200."""
        response = self.client.post("/v1/auth/staff/sign-in",
                                    json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        return response.json()

    def staff_token(self, role: str) -> str:
        """Full staff sign-in through the API (password, then TOTP); return the session token."""
        staff = self.staff[role]
        pending = self.sign_in(staff.email)["session_token"]
        self.clock.advance(seconds=30)  # a fresh TOTP step, so no code is a replay
        response = self.client.post("/v1/auth/mfa/verify", json={"code": self.totp_code(staff.id)},
                                    headers=bearer(pending))
        assert response.status_code == 200, response.text
        return response.json()["session_token"]


def bearer(token: str) -> dict[str, str]:
    """Return the Authorization header of a session token."""
    return {"Authorization": f"Bearer {token}"}


def fast_settings(database_url: str, data_dir: Path, **overrides: Any) -> Settings:
    """Settings with argon2 at its minimum cost."""
    return Settings(DATABASE_URL=database_url, CLINIC_DATA_DIR=data_dir, TOKEN_SECRET=TEST_SECRET,
                    ARGON2_TIME_COST=1, ARGON2_MEMORY_KIB=8192, ARGON2_PARALLELISM=1, **overrides)


def _enrol_totp(staff: StaffMember, settings: Settings) -> str:
    secret = pyotp.random_base32(32)
    assert settings.token_secret is not None
    staff.totp_secret = encrypt_secret(secret, settings.token_secret)
    staff.totp_enabled = True
    return secret


def _add_other_tenant(session: Session, settings: Settings) -> tuple[StaffMember, int, int]:
    other = add_other_tenant(session, settings, name="Other Tenant Demo Clinic", staff_email=OTHER_ADMIN_EMAIL,
                             role="admin", staff_name="Other Admin", patient_email="quinn.otherly@example.com",
                             patient_last_name="Otherly")
    org, patient, admin = other.organization, other.patient, other.staff
    escalation = Escalation(organization_id=org.id, patient_id=patient.id,
                            conversation_id="other-conversation", reason="other tenant",
                            priority="normal", channel="web", summary="synthetic", status="open",
                            created_at=START)
    session.add(escalation)
    session.flush()
    return admin, patient.id, escalation.id


def build_auth_app(database_url: str, data_dir: Path, store: KeyValueStore,
                   **overrides: Any) -> Iterator[AuthApp]:
    """Create, seed and yield the app; close the client and engine afterwards."""
    settings = fast_settings(database_url, data_dir, **overrides)
    clock = Clock(START)
    app = create_app(settings, clock=clock, store=store)
    factory = app.state.session_factory
    with factory() as session:
        patients = seed_demo(session, START.date() - dt.timedelta(days=1), settings)
        staff = {row.role: row for row in session.scalars(
            select(StaffMember).where(StaffMember.organization_id == patients[0].organization_id))}
        other_admin, other_patient_id, other_escalation_id = _add_other_tenant(session, settings)
        staff["other_tenant"] = other_admin
        secrets = {row.id: _enrol_totp(row, settings) for row in staff.values()}
        session.commit()
        sites = {site.name: site.id for site in session.scalars(select(Site))}
        for row in [*staff.values(), *patients]:
            session.refresh(row)
            session.expunge(row)

    recorded: list[tuple[str, dict[str, Any]]] = []
    remove_sink = events.add_sink(lambda event_type, fields: recorded.append((event_type, fields)))
    with TestClient(app) as client:
        yield AuthApp(client, clock, settings, factory, app.state.sessions, staff, secrets,
                      patients, other_patient_id, other_escalation_id, sites, recorded)
    remove_sink()
    app.state.engine.dispose()


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def session_store(request: pytest.FixtureRequest) -> Iterator[KeyValueStore]:
    """A session store; one run in process memory and one on Redis."""
    if request.param == "memory":
        yield MemoryStore()
        return
    url = request.getfixturevalue("redis_url")
    prefix = f"test-{uuid.uuid4().hex}:"
    store = RedisStore(url, prefix=prefix)
    yield store
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()
    store.close()


@pytest.fixture
def auth_app(session_store: KeyValueStore, tmp_path: Path) -> Iterator[AuthApp]:
    """Seeded app on SQLite, once per session store."""
    url = f"sqlite:///{tmp_path / 'auth.sqlite3'}"
    yield from build_auth_app(url, tmp_path / "data", session_store)


@pytest.fixture
def auth_app_db(database_url: str, tmp_path: Path) -> Iterator[AuthApp]:
    """Seeded app with an in-memory session store, once per database backend."""
    yield from build_auth_app(database_url, tmp_path / "data", MemoryStore())
