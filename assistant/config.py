"""Settings of the assistant, read once from the environment."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class AssistantSettings(BaseSettings):
    """Every setting of the chat assistant. Names match the environment variables."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    engine: Literal["local", "openai"] = Field("local", alias="ENGINE")
    redis_url: str | None = Field(None, alias="REDIS_URL")
    scheduling_api_url: str | None = Field(
        None,
        alias="SCHEDULING_API_URL",
        description="Base URL of the scheduling API; unset runs it inside this process.",
    )
    clinic_data_dir: Path = Field(Path(".data"), alias="CLINIC_DATA_DIR")
    conversation_ttl_seconds: int = Field(1800, alias="CONVERSATION_TTL_SECONDS", ge=60, le=86400)
    conversation_key: SecretStr | None = Field(
        None,
        alias="CONVERSATION_KEY",
        description="Base64 of 32 bytes; encrypts each conversation's placeholder mapping.",
    )
    max_message_chars: int = Field(2000, alias="MAX_MESSAGE_CHARS", ge=10, le=20000)

    openai_base_url: str | None = Field(None, alias="OPENAI_BASE_URL")
    openai_api_key: SecretStr | None = Field(None, alias="OPENAI_API_KEY")
    openai_model: str = Field("gpt-4o-mini", alias="OPENAI_MODEL")
    openai_timeout_seconds: float = Field(30.0, alias="OPENAI_TIMEOUT_SECONDS", gt=0, le=300)

    host: str = Field("127.0.0.1", alias="HOST")
    port: int = Field(8000, alias="PORT", ge=0, le=65535)


@lru_cache(maxsize=1)
def get_settings() -> AssistantSettings:
    """Return the process-wide settings, read from the environment on first use."""
    return AssistantSettings()
