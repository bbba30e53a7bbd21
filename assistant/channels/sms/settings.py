"""Settings of the SMS channel, read from the environment (names match the variables)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class SmsChannelSettings(BaseSettings):
    """Every setting of the SMS channel.

    Without TWILIO_AUTH_TOKEN and SMS_PUBLIC_URL the webhook cannot check signatures, so it
    rejects every request with 403.
    """

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    provider: Literal["local", "twilio"] = Field("local", alias="SMS_PROVIDER")
    organization_id: int | None = Field(
        None, alias="SMS_ORGANIZATION_ID", ge=1,
        description="Organization whose patients text this number; only its staff see the outbox.")
    public_url: str | None = Field(
        None, alias="SMS_PUBLIC_URL",
        description="Public base URL Twilio posts to, e.g. https://clinic.example.com; signatures cover it.")
    channel_secret: SecretStr | None = Field(None, alias="SMS_CHANNEL_SECRET", min_length=32)
    twilio_account_sid: str | None = Field(None, alias="TWILIO_ACCOUNT_SID")
    twilio_auth_token: SecretStr | None = Field(None, alias="TWILIO_AUTH_TOKEN")
    twilio_from_number: str | None = Field(None, alias="TWILIO_FROM_NUMBER")
    twilio_messaging_service_sid: str | None = Field(None, alias="TWILIO_MESSAGING_SERVICE_SID")
    twilio_api_base_url: str = Field("https://api.twilio.com", alias="TWILIO_API_BASE_URL")
    clinic_name: str = Field("Harborview Demo Health", alias="CLINIC_NAME")
    clinic_phone: str = Field("(303) 555-0100", alias="CLINIC_PHONE")
    portal_url: str = Field("http://127.0.0.1:8000/", alias="PORTAL_URL")
    clinic_data_dir: Path = Field(Path(".data"), alias="CLINIC_DATA_DIR")
    outbox_file: Path | None = Field(
        None, alias="SMS_OUTBOX_FILE",
        description="JSON lines file of sent texts for staff; default CLINIC_DATA_DIR/sms-outbox.jsonl.")
    redis_url: str | None = Field(None, alias="REDIS_URL")
    seen_ttl_seconds: int = Field(7 * 86400, alias="SMS_SEEN_TTL_SECONDS", ge=60, le=30 * 86400)
    session_ttl_seconds: int = Field(86400, alias="SMS_SESSION_TTL_SECONDS", ge=300, le=30 * 86400)
    max_segments: int = Field(4, alias="SMS_MAX_SEGMENTS", ge=1, le=10)
    max_identity_failures: int = Field(3, alias="SMS_MAX_IDENTITY_FAILURES", ge=1, le=10)
    quiet_minutes: int = Field(30, alias="SMS_QUIET_MINUTES", ge=1, le=1440)

    def resolved_outbox_file(self) -> Path:
        """Return the outbox file: SMS_OUTBOX_FILE, else sms-outbox.jsonl in CLINIC_DATA_DIR."""
        return self.outbox_file or self.clinic_data_dir / "sms-outbox.jsonl"
