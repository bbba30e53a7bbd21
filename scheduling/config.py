"""Settings of the scheduling service, read from the environment.

Every setting has a safe default for a single-machine demo: SQLite under CLINIC_DATA_DIR and a
token secret generated once and kept beside it. Production sets DATABASE_URL to PostgreSQL
(`postgresql+psycopg://...`) and TOKEN_SECRET explicitly.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

logger = logging.getLogger(__name__)

MAX_TOKEN_TTL_SECONDS = 3600
TOKEN_SECRET_FILE = "token-secret"
SQLITE_FILE = "scheduling.sqlite3"


class Settings(BaseSettings):
    """Service settings; after validation `database_url` and `token_secret` are always set.

    Raises pydantic.ValidationError when TOKEN_TTL_SECONDS is not between 1 and 3600.
    """

    model_config = SettingsConfigDict(extra="ignore")

    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    clinic_data_dir: Path = Field(default=Path(".data"), validation_alias="CLINIC_DATA_DIR")
    token_secret: str | None = Field(default=None, validation_alias="TOKEN_SECRET")
    token_ttl_seconds: int = Field(default=900, validation_alias="TOKEN_TTL_SECONDS")

    @field_validator("token_ttl_seconds")
    @classmethod
    def _check_ttl(cls, value: int) -> int:
        if value < 1 or value > MAX_TOKEN_TTL_SECONDS:
            raise ValueError(
                f"TOKEN_TTL_SECONDS is {value}, but it must be between 1 and "
                f"{MAX_TOKEN_TTL_SECONDS} seconds (one hour); set a smaller value"
            )
        return value

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = _default_sqlite_url(self.clinic_data_dir)
        if not self.token_secret:
            self.token_secret = _load_or_create_secret(self.clinic_data_dir)
        return self


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
