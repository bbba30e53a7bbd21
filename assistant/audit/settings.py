"""Settings of the audit log, read from the environment (a `.env` file works too)."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from scheduling.config import SQLITE_FILE

logger = logging.getLogger(__name__)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class AuditSettings(BaseSettings):
    """Every audit setting; names match the environment variables.

    Raises pydantic.ValidationError for a malformed AUDIT_STREAM, AUDIT_SYSLOG,
    AUDIT_BUSINESS_HOURS, AUDIT_BUSINESS_DAYS or AUDIT_TIME_ZONE, or a number out of range.
    """

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    audit_database_url: str | None = Field(None, alias="AUDIT_DATABASE_URL")
    database_url: str | None = Field(None, alias="DATABASE_URL")
    clinic_data_dir: Path = Field(Path(".data"), alias="CLINIC_DATA_DIR")

    signing_key: SecretStr | None = Field(
        None, alias="AUDIT_SIGNING_KEY",
        description="Base64 of a 32-byte Ed25519 private key; unset uses a key file in CLINIC_DATA_DIR.",
    )
    keyring: SecretStr | None = Field(
        None, alias="AUDIT_KEYRING",
        description='JSON {"active": id, "keys": {id: base64 of 32 bytes}}; unset uses a file in CLINIC_DATA_DIR.',
    )
    checkpoint_every: int = Field(1000, alias="AUDIT_CHECKPOINT_EVERY", ge=1, le=1_000_000)
    checkpoint_minutes: float = Field(5.0, alias="AUDIT_CHECKPOINT_MINUTES", gt=0, le=1440)

    stream: str = Field("file:audit-stream.jsonl", alias="AUDIT_STREAM",
                        description="stdout, off, or file:PATH (relative paths are under CLINIC_DATA_DIR)")
    syslog: str | None = Field(None, alias="AUDIT_SYSLOG", description="HOST:PORT of an RFC 5424 UDP receiver")

    business_hours: str = Field("07:00-19:00", alias="AUDIT_BUSINESS_HOURS")
    business_days: str = Field("mon,tue,wed,thu,fri,sat", alias="AUDIT_BUSINESS_DAYS")
    time_zone: str = Field("UTC", alias="AUDIT_TIME_ZONE")
    alert_failed_sign_ins: int = Field(5, alias="AUDIT_ALERT_FAILED_SIGN_INS", ge=1)
    alert_guardrail_blocks: int = Field(3, alias="AUDIT_ALERT_GUARDRAIL_BLOCKS", ge=1)
    alert_window_minutes: int = Field(15, alias="AUDIT_ALERT_WINDOW_MINUTES", ge=1, le=1440)
    alert_export_records: int = Field(500, alias="AUDIT_ALERT_EXPORT_RECORDS", ge=1)

    retention_conversations_days: int = Field(30, alias="RETENTION_CONVERSATIONS_DAYS", ge=1)
    retention_transcripts_days: int = Field(365, alias="RETENTION_TRANSCRIPTS_DAYS", ge=1)
    retention_audit_payloads_days: int = Field(2190, alias="RETENTION_AUDIT_PAYLOADS_DAYS", ge=1)

    @field_validator("stream")
    @classmethod
    def _check_stream(cls, value: str) -> str:
        if value in ("stdout", "off") or (value.startswith("file:") and len(value) > 5):
            return value
        raise ValueError(f"AUDIT_STREAM is {value!r}; use stdout, off or file:PATH")

    @field_validator("syslog")
    @classmethod
    def _check_syslog(cls, value: str | None) -> str | None:
        if value:
            parse_host_port(value)
        return value or None

    @field_validator("business_hours")
    @classmethod
    def _check_hours(cls, value: str) -> str:
        parse_hours(value)
        return value

    @field_validator("business_days")
    @classmethod
    def _check_days(cls, value: str) -> str:
        parse_days(value)
        return value

    @field_validator("time_zone")
    @classmethod
    def _check_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"AUDIT_TIME_ZONE is {value!r}; use an IANA zone such as America/Denver") from exc
        return value

    def resolved_database_url(self) -> str:
        """Return AUDIT_DATABASE_URL, else DATABASE_URL, else the scheduling service's SQLite file."""
        url = self.audit_database_url or self.database_url
        if url:
            return url
        self.clinic_data_dir.mkdir(parents=True, exist_ok=True)
        path = (self.clinic_data_dir / SQLITE_FILE).resolve()
        logger.info("AUDIT_DATABASE_URL and DATABASE_URL are unset, so the audit log uses SQLite at %s", path)
        return f"sqlite:///{path}"


def parse_host_port(value: str) -> tuple[str, int]:
    """Split "host:port"; raise ValueError when the port is missing or not 1-65535."""
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"AUDIT_SYSLOG is {value!r}; use HOST:PORT, for example 127.0.0.1:5514")
    return host.strip("[]"), int(port)


def parse_hours(value: str) -> tuple[dt.time, dt.time]:
    """Parse "HH:MM-HH:MM"; raise ValueError when malformed or when the end is not after the start."""
    try:
        start_text, end_text = value.split("-")
        start, end = dt.time.fromisoformat(start_text.strip()), dt.time.fromisoformat(end_text.strip())
    except ValueError as exc:
        raise ValueError(f"AUDIT_BUSINESS_HOURS is {value!r}; use HH:MM-HH:MM, for example 07:00-19:00") from exc
    if end <= start:
        raise ValueError(f"AUDIT_BUSINESS_HOURS is {value!r}; the end must be after the start")
    return start, end


def parse_days(value: str) -> frozenset[int]:
    """Parse a comma-separated list of weekday abbreviations into Monday-based numbers."""
    names = [name.strip().lower() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in WEEKDAYS]
    if unknown or not names:
        raise ValueError(f"AUDIT_BUSINESS_DAYS is {value!r}; use names from {','.join(WEEKDAYS)}")
    return frozenset(WEEKDAYS.index(name) for name in names)
