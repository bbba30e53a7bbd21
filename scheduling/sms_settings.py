"""Settings and credential check of the SMS channel's service endpoints (`/v1/sms/...`).

The SMS channel calls these endpoints with `Authorization: Bearer <SMS_CHANNEL_SECRET>`. That
secret reaches only the `/v1/sms` router: it is neither a patient JWT nor a session token, so
every other endpoint rejects it with 401. Without the setting every `/v1/sms` call is rejected.
"""

from __future__ import annotations

import hmac
import logging
from typing import Annotated

from fastapi import Depends, Request
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from scheduling.errors import ApiError
from scheduling.events import emit

logger = logging.getLogger(__name__)

MIN_SECRET_CHARS = 32
INVALID_CHANNEL_MESSAGE = ("The SMS channel credential is missing or invalid. Send "
                           "'Authorization: Bearer <SMS_CHANNEL_SECRET>'.")


class SmsServiceSettings(BaseSettings):
    """Settings of the SMS identity, consent and reminder endpoints.

    Raises pydantic.ValidationError when SMS_CHANNEL_SECRET is shorter than 32 characters or a
    limit is out of range.
    """

    model_config = SettingsConfigDict(extra="ignore")

    channel_secret: SecretStr | None = Field(
        default=None, min_length=MIN_SECRET_CHARS, validation_alias="SMS_CHANNEL_SECRET")
    organization_id: int | None = Field(
        default=None, ge=1, validation_alias="SMS_ORGANIZATION_ID",
        description="Organization whose patients text this number; unset means the only one.")
    code_ttl_seconds: int = Field(default=600, ge=60, le=3600, validation_alias="SMS_CODE_TTL_SECONDS")
    code_max_attempts: int = Field(default=5, ge=1, le=20, validation_alias="SMS_CODE_MAX_ATTEMPTS")
    phone_failure_limit: int = Field(
        default=5, ge=1, le=100, validation_alias="SMS_PHONE_FAILURE_LIMIT",
        description="Failed verifications (or code requests) per phone before it is locked.")
    phone_lock_seconds: int = Field(default=900, ge=1, le=86400,
                                    validation_alias="SMS_PHONE_LOCK_SECONDS")


def get_sms_settings(request: Request) -> SmsServiceSettings:
    """Return the app's SMS settings, read from the environment on first use.

    Tests may set `app.state.sms_settings` before the first request.
    """
    settings = getattr(request.app.state, "sms_settings", None)
    if settings is None:
        settings = SmsServiceSettings()
        request.app.state.sms_settings = settings
    return settings


SmsSettingsDep = Annotated[SmsServiceSettings, Depends(get_sms_settings)]


def require_sms_channel(request: Request, settings: SmsSettingsDep) -> None:
    """Accept only the SMS channel's bearer secret; raise 401 `invalid_channel_credential`."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    expected = settings.channel_secret.get_secret_value() if settings.channel_secret else ""
    presented = value.strip() if scheme.lower() == "bearer" else ""
    if not expected or not presented or not hmac.compare_digest(presented.encode(), expected.encode()):
        logger.info("Rejected a call to the SMS service endpoints")
        emit("sms.channel_rejected", path=request.url.path[:100],
             configured=bool(expected))
        raise ApiError(401, "invalid_channel_credential", INVALID_CHANNEL_MESSAGE)


SmsChannelDep = Depends(require_sms_channel)
