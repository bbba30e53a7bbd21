"""Settings of the scheduling service, read from the environment.

Every setting has a safe default for a single-machine demo: SQLite under CLINIC_DATA_DIR and a
token secret generated once and kept beside it. Production sets DATABASE_URL to PostgreSQL
(`postgresql+psycopg://...`) and TOKEN_SECRET explicitly.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

logger = logging.getLogger(__name__)

MAX_TOKEN_TTL_SECONDS = 3600
TOKEN_SECRET_FILE = "token-secret"
SQLITE_FILE = "scheduling.sqlite3"


class Settings(BaseSettings):
    """Service settings; after validation `database_url` and `token_secret` are always set.

    Raises pydantic.ValidationError when TOKEN_TTL_SECONDS is not between 1 and 3600, when a
    session or lockout setting is out of its range, when STAFF_ACCESS_HOURS is malformed, and
    when OIDC settings are incomplete or not https.
    """

    model_config = SettingsConfigDict(extra="ignore")

    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    clinic_data_dir: Path = Field(default=Path(".data"), validation_alias="CLINIC_DATA_DIR")
    token_secret: str | None = Field(default=None, validation_alias="TOKEN_SECRET")
    token_ttl_seconds: int = Field(default=900, validation_alias="TOKEN_TTL_SECONDS")
    booking_lead_minutes: int = Field(
        default=60, ge=0, le=10080, validation_alias="BOOKING_LEAD_MINUTES",
        description="Patients may book online only slots that start at least this many minutes ahead.",
    )
    redis_url: str | None = Field(default=None, validation_alias="REDIS_URL")

    # Sessions: idle timeouts and absolute lifetimes, in minutes.
    staff_idle_minutes: int = Field(default=15, ge=1, le=240, validation_alias="STAFF_IDLE_MINUTES")
    admin_idle_minutes: int = Field(default=10, ge=1, le=240, validation_alias="ADMIN_IDLE_MINUTES")
    patient_idle_minutes: int = Field(default=15, ge=1, le=240,
                                      validation_alias="PATIENT_IDLE_MINUTES")
    staff_session_minutes: int = Field(default=480, ge=1, le=1440,
                                       validation_alias="STAFF_SESSION_MINUTES")
    patient_session_minutes: int = Field(default=60, ge=1, le=1440,
                                         validation_alias="PATIENT_SESSION_MINUTES")
    reauth_minutes: int = Field(default=5, ge=1, le=60, validation_alias="REAUTH_MINUTES")
    break_glass_minutes: int = Field(default=30, ge=1, le=240,
                                     validation_alias="BREAK_GLASS_MINUTES")
    # Opening hours "HH:MM-HH:MM" in UTC for front_desk and billing; unset allows any time.
    staff_access_hours: str | None = Field(default=None, validation_alias="STAFF_ACCESS_HOURS")

    # Failed sign-ins: lockout after this many failures, then exponential backoff.
    account_failure_limit: int = Field(default=5, ge=1, le=100,
                                       validation_alias="ACCOUNT_FAILURE_LIMIT")
    address_failure_limit: int = Field(default=20, ge=1, le=1000,
                                       validation_alias="ADDRESS_FAILURE_LIMIT")
    lockout_base_seconds: int = Field(default=60, ge=1, le=3600,
                                      validation_alias="LOCKOUT_BASE_SECONDS")
    lockout_max_seconds: int = Field(default=3600, ge=1, le=86400,
                                     validation_alias="LOCKOUT_MAX_SECONDS")

    # Argon2id cost; the defaults are argon2-cffi's (RFC 9106 low-memory profile).
    argon2_time_cost: int = Field(default=3, ge=1, le=10, validation_alias="ARGON2_TIME_COST")
    argon2_memory_kib: int = Field(default=65536, ge=8192, le=1048576,
                                   validation_alias="ARGON2_MEMORY_KIB")
    argon2_parallelism: int = Field(default=4, ge=1, le=16, validation_alias="ARGON2_PARALLELISM")

    # Optional OpenID Connect single sign-on for staff; all four must be set to enable it.
    oidc_issuer: str | None = Field(default=None, validation_alias="OIDC_ISSUER")
    oidc_client_id: str | None = Field(default=None, validation_alias="OIDC_CLIENT_ID")
    oidc_client_secret: str | None = Field(default=None, validation_alias="OIDC_CLIENT_SECRET")
    oidc_redirect_uri: str | None = Field(default=None, validation_alias="OIDC_REDIRECT_URI")
    # Set all three to skip fetching the issuer's discovery document.
    oidc_authorization_endpoint: str | None = Field(
        default=None, validation_alias="OIDC_AUTHORIZATION_ENDPOINT")
    oidc_token_endpoint: str | None = Field(default=None, validation_alias="OIDC_TOKEN_ENDPOINT")
    oidc_jwks_uri: str | None = Field(default=None, validation_alias="OIDC_JWKS_URI")

    @field_validator("token_ttl_seconds")
    @classmethod
    def _check_ttl(cls, value: int) -> int:
        if value < 1 or value > MAX_TOKEN_TTL_SECONDS:
            raise ValueError(
                f"TOKEN_TTL_SECONDS is {value}, but it must be between 1 and "
                f"{MAX_TOKEN_TTL_SECONDS} seconds (one hour); set a smaller value"
            )
        return value

    @field_validator("staff_access_hours")
    @classmethod
    def _check_access_hours(cls, value: str | None) -> str | None:
        if value:
            parse_access_hours(value)
        return value or None

    @model_validator(mode="after")
    def _check_oidc(self) -> Settings:
        check_oidc_settings(self)
        return self

    @property
    def oidc_enabled(self) -> bool:
        """True when every required OIDC setting is present."""
        return all((self.oidc_issuer, self.oidc_client_id, self.oidc_client_secret,
                    self.oidc_redirect_uri))

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = _default_sqlite_url(self.clinic_data_dir)
        if not self.token_secret:
            self.token_secret = _load_or_create_secret(self.clinic_data_dir)
        return self


def parse_access_hours(value: str) -> tuple[dt.time, dt.time]:
    """Parse "HH:MM-HH:MM"; raise ValueError naming the value and the expected shape."""
    try:
        start_text, end_text = value.split("-")
        start, end = dt.time.fromisoformat(start_text.strip()), dt.time.fromisoformat(end_text.strip())
    except ValueError:
        raise ValueError(f"STAFF_ACCESS_HOURS is '{value[:40]}', but it must look like "
                         "07:00-19:00 (UTC, start before end)") from None
    if start >= end:
        raise ValueError(f"STAFF_ACCESS_HOURS is '{value}', but its start must be before its end")
    return start, end


def check_oidc_settings(settings: Settings) -> None:
    """Raise ValueError when OIDC is half configured or its URLs are not https.

    Loopback http URLs are accepted for local development.
    """
    names = {"OIDC_ISSUER": settings.oidc_issuer, "OIDC_CLIENT_ID": settings.oidc_client_id,
             "OIDC_CLIENT_SECRET": settings.oidc_client_secret,
             "OIDC_REDIRECT_URI": settings.oidc_redirect_uri}
    missing = [name for name, value in names.items() if not value]
    if len(missing) == len(names):
        return
    if missing:
        raise ValueError(f"OIDC single sign-on is partly configured; also set {', '.join(missing)}"
                         " or unset every OIDC_ variable")
    for name in ("OIDC_ISSUER", "OIDC_REDIRECT_URI"):
        _check_https(name, str(names[name]))
    endpoints = {"OIDC_AUTHORIZATION_ENDPOINT": settings.oidc_authorization_endpoint,
                 "OIDC_TOKEN_ENDPOINT": settings.oidc_token_endpoint,
                 "OIDC_JWKS_URI": settings.oidc_jwks_uri}
    for name, value in endpoints.items():
        if value:
            _check_https(name, value)


def _check_https(name: str, url: str) -> None:
    parsed = urlsplit(url)
    loopback = parsed.hostname in ("127.0.0.1", "localhost", "::1")
    if parsed.scheme == "https" or (parsed.scheme == "http" and loopback):
        if parsed.hostname:
            return
    raise ValueError(f"{name} is '{url[:100]}', but it must be an https URL "
                     "(http only for 127.0.0.1 or localhost)")


def _default_sqlite_url(data_dir: Path) -> str:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = (data_dir / SQLITE_FILE).resolve()
    logger.info("DATABASE_URL is unset, so SQLite is in use at %s", path)
    return f"sqlite:///{path}"


def _load_or_create_secret(data_dir: Path) -> str:
    """Read the token secret kept in the data directory, creating it with mode 0600 if missing."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / TOKEN_SECRET_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()

    secret = secrets.token_urlsafe(48)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secret)
    logger.info("TOKEN_SECRET is unset, so a new secret was generated and stored in %s", path)
    return secret
