"""Staff single sign-on with OpenID Connect; 404 `sso_not_configured` when OIDC is unset.

A staff account signs in by SSO when its `oidc_subject` equals the ID token's `sub`, or, the
first time, when its email equals a verified `email` claim (the subject is then linked). The
session skips TOTP only when the provider reports a second factor in `amr`.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select

from scheduling.account_models import StaffMember
from scheduling.auth.deps import SessionsDep, client_address, set_session_cookie
from scheduling.auth.oidc import OidcError, OidcProvider, provider_checked_mfa
from scheduling.auth.schemas import SessionOut
from scheduling.auth.signin import session_out
from scheduling.deps import NowDep, SessionDep, SettingsDep
from scheduling.errors import ApiError
from scheduling.events import emit
from scheduling.schemas import ErrorOut

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/auth/oidc", tags=["auth"])
ERRORS = {code: {"model": ErrorOut} for code in (400, 401, 404, 422, 502)}
STATE_TTL_SECONDS = 600
NO_ACCOUNT = "No active staff account is linked to this sign-in. Ask an admin to add you."


def provider(request: Request) -> OidcProvider:
    """Return the application's provider; raise 404 `sso_not_configured` when OIDC is unset."""
    settings = request.app.state.settings
    if not settings.oidc_enabled:
        raise ApiError(404, "sso_not_configured", "Single sign-on is not configured on this "
                       "server. Sign in with POST /v1/auth/staff/sign-in, or set OIDC_ISSUER, "
                       "OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and OIDC_REDIRECT_URI.")
    if getattr(request.app.state, "oidc", None) is None:
        request.app.state.oidc = OidcProvider(settings)
    return request.app.state.oidc


@router.get("/login", status_code=302, responses=ERRORS)
def oidc_login(request: Request) -> Response:
    """Redirect to the provider's sign-in page."""
    oidc = provider(request)
    try:
        url, pending = oidc.authorization_request()
    except OidcError as exc:
        raise ApiError(502, "sso_unavailable", f"The sign-in provider failed ({exc}). Try "
                       "again later or sign in with a password.") from None
    request.app.state.sessions.store.put(f"oidc-state:{pending['state']}", pending,
                                         STATE_TTL_SECONDS)
    return RedirectResponse(url, status_code=302)


@router.get("/callback", response_model=SessionOut, responses=ERRORS)
def oidc_callback(request: Request, response: Response, session: SessionDep,
                  settings: SettingsDep, sessions: SessionsDep, now: NowDep,
                  code: Annotated[str, Query(min_length=1, max_length=2048)],
                  state: Annotated[str, Query(min_length=1, max_length=256)]) -> SessionOut:
    """Finish SSO: check state, trade the code, verify the ID token, start a staff session."""
    oidc = provider(request)
    store = sessions.store
    pending = store.get(f"oidc-state:{state}")
    if pending is None:
        raise ApiError(400, "invalid_state", "The sign-in request expired or was already used. "
                       "Start again at GET /v1/auth/oidc/login.", "state")
    store.delete(f"oidc-state:{state}")
    try:
        tokens = oidc.exchange_code(code, pending["code_verifier"])
        claims = oidc.verify_id_token(str(tokens.get("id_token", "")), pending["nonce"], now)
    except OidcError as exc:
        logger.info("Rejected an OIDC callback: %s", exc)
        raise ApiError(502, "sso_failed", f"The sign-in provider's response was rejected ({exc})."
                       " Start again at GET /v1/auth/oidc/login.") from None

    staff = _linked_staff(session, claims)
    if staff is None:
        emit("auth.sign_in_failed", kind="staff", method="oidc")
        raise ApiError(401, "invalid_credentials", NO_ACCOUNT)
    mfa_verified = provider_checked_mfa(claims)
    token, record = sessions.create(
        kind="staff", account_id=staff.id, organization_id=staff.organization_id, role=staff.role,
        now=now, mfa_verified=mfa_verified, address=client_address(request),
        user_agent=request.headers.get("user-agent", ""))
    session.commit()
    set_session_cookie(response, request, token, settings, "staff")
    emit("auth.sign_in", kind="staff", method="oidc", account_id=staff.id,
         organization_id=staff.organization_id, mfa_pending=not mfa_verified)
    return session_out(token, record, staff.totp_enabled)


def _linked_staff(session: SessionDep, claims: dict) -> StaffMember | None:
    subject = str(claims["sub"])
    staff = session.scalar(select(StaffMember).where(StaffMember.oidc_subject == subject))
    email = claims.get("email")
    if staff is None and email and claims.get("email_verified") is True:
        staff = session.scalar(select(StaffMember).where(
            func.lower(StaffMember.email) == str(email).lower(),
            StaffMember.oidc_subject.is_(None)))
        if staff is not None:
            staff.oidc_subject = subject
    return staff if staff is not None and staff.is_active else None
