"""Request and response bodies of sign-in, MFA and session endpoints."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from scheduling.schemas import Line, StrictModel

Email = Annotated[Line, Field(min_length=3, max_length=254)]
Password = Annotated[str, Field(min_length=1, max_length=256)]
TotpCode = Annotated[str, Field(min_length=6, max_length=8, pattern=r"^[0-9 ]+$")]
RecoveryCodeText = Annotated[str, Field(min_length=12, max_length=20,
                                        pattern=r"^[A-Za-z0-9 -]+$")]


class SignInRequest(StrictModel):
    """Email and password of a staff member or patient."""

    email: Email
    password: Password


class SessionOut(BaseModel):
    """A new session token (shown once) and what the session may do next.

    While `mfa_required` is true the session reaches only MFA enrolment or verification,
    session information and sign-out.
    """

    session_token: str
    token_type: Literal["bearer"] = "bearer"
    kind: Literal["staff", "patient"]
    role: str
    mfa_required: bool
    mfa_enrolled: bool
    expires_at: dt.datetime
    idle_timeout_seconds: int


class SessionInfo(BaseModel):
    """The current session, without its token."""

    session_id: str
    kind: Literal["staff", "patient"]
    account_id: int
    organization_id: int
    role: str
    site_ids: list[int]
    mfa_verified: bool
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    idle_timeout_seconds: int
    authenticated_at: dt.datetime
    break_glass_until: dt.datetime | None


class EnrolmentOut(BaseModel):
    """A new TOTP secret to add to an authenticator app, as text, URI and QR code."""

    secret: str
    otpauth_uri: str
    qr_code: str = Field(description="SVG image as a data: URI")


class CodeRequest(StrictModel):
    """A TOTP code from the authenticator app."""

    code: TotpCode


class VerifyRequest(StrictModel):
    """Exactly one of a TOTP code or an unused recovery code."""

    code: TotpCode | None = None
    recovery_code: RecoveryCodeText | None = None

    @model_validator(mode="after")
    def _one_of(self) -> VerifyRequest:
        if (self.code is None) == (self.recovery_code is None):
            raise ValueError("send exactly one of code and recovery_code")
        return self


class EnrolledOut(SessionOut):
    """The verified session after enrolment, and recovery codes shown this once."""

    recovery_codes: list[str]


class ReauthRequest(StrictModel):
    """Exactly one of the account password or a TOTP code."""

    password: Password | None = None
    code: TotpCode | None = None

    @model_validator(mode="after")
    def _one_of(self) -> ReauthRequest:
        if (self.password is None) == (self.code is None):
            raise ValueError("send exactly one of password and code")
        return self


class ReauthOut(BaseModel):
    """When the fresh authentication stops counting for sensitive actions."""

    authenticated_at: dt.datetime
    valid_until: dt.datetime


class SignedOutOut(BaseModel):
    """How many sessions ended."""

    ended_sessions: int
