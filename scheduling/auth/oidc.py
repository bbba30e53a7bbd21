"""OpenID Connect authorization-code sign-in for staff (authlib), with PKCE, state and nonce.

The provider's endpoints come from OIDC_AUTHORIZATION_ENDPOINT, OIDC_TOKEN_ENDPOINT and
OIDC_JWKS_URI when all three are set, else from the issuer's discovery document, fetched once
on first use. Errors from the provider raise `OidcError`, which the router returns as 502.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import OAuth2Client
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from scheduling.config import Settings

logger = logging.getLogger(__name__)

SCOPE = "openid email profile"
HTTP_TIMEOUT_SECONDS = 10
MFA_METHODS = frozenset({"mfa", "otp", "hwk", "swk", "sc"})
"""RFC 8176 `amr` values that show the provider itself checked a second factor."""


class OidcError(Exception):
    """The provider could not be reached, or sent an unusable response."""


class OidcProvider:
    """One configured provider; `settings.oidc_enabled` must be true."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._metadata: dict[str, Any] | None = None

    def metadata(self) -> dict[str, Any]:
        """Return the endpoints, from settings or the discovery document (cached)."""
        settings = self.settings
        if settings.oidc_authorization_endpoint and settings.oidc_token_endpoint \
                and settings.oidc_jwks_uri:
            return {"authorization_endpoint": settings.oidc_authorization_endpoint,
                    "token_endpoint": settings.oidc_token_endpoint,
                    "jwks_uri": settings.oidc_jwks_uri, "issuer": settings.oidc_issuer}
        if self._metadata is None:
            url = str(settings.oidc_issuer).rstrip("/") + "/.well-known/openid-configuration"
            self._metadata = self._get_json(url)
        return self._metadata

    def authorization_request(self) -> tuple[str, dict[str, str]]:
        """Return the provider URL to redirect to, and the state to keep until the callback."""
        state, nonce = generate_token(32), generate_token(32)
        verifier = secrets.token_urlsafe(64)
        client = self._client()
        url, _ = client.create_authorization_url(
            self.metadata()["authorization_endpoint"], state=state, nonce=nonce,
            code_challenge=create_s256_code_challenge(verifier), code_challenge_method="S256")
        return url, {"state": state, "nonce": nonce, "code_verifier": verifier}

    def exchange_code(self, code: str, code_verifier: str) -> dict[str, Any]:
        """Trade the authorization code for tokens at the token endpoint."""
        client = self._client()
        try:
            return dict(client.fetch_token(self.metadata()["token_endpoint"], code=code,
                                           code_verifier=code_verifier))
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            raise OidcError(f"token request failed: {type(exc).__name__}") from None
        finally:
            client.close()

    def jwks(self) -> dict[str, Any]:
        """Return the provider's signing keys."""
        return self._get_json(self.metadata()["jwks_uri"])

    def verify_id_token(self, id_token: str, nonce: str, now: dt.datetime) -> dict[str, Any]:
        """Check signature, issuer, audience, expiry and nonce; return the claims."""
        registry = jwt.JWTClaimsRegistry(
            now=int(now.timestamp()), leeway=60,
            iss={"essential": True, "value": self.settings.oidc_issuer},
            aud={"essential": True, "value": self.settings.oidc_client_id},
            sub={"essential": True}, exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            token = jwt.decode(id_token, KeySet.import_key_set(self.jwks()),
                               algorithms=["RS256", "ES256", "PS256"])
            registry.validate(token.claims)
        except (JoseError, ValueError) as exc:
            raise OidcError(f"ID token rejected: {type(exc).__name__}") from None
        return dict(token.claims)

    def _client(self) -> OAuth2Client:
        return OAuth2Client(client_id=self.settings.oidc_client_id,
                            client_secret=self.settings.oidc_client_secret, scope=SCOPE,
                            redirect_uri=self.settings.oidc_redirect_uri,
                            timeout=HTTP_TIMEOUT_SECONDS)

    @staticmethod
    def _get_json(url: str) -> dict[str, Any]:
        try:
            response = httpx.get(url, timeout=HTTP_TIMEOUT_SECONDS)
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError) as exc:
            logger.error("OIDC request to the provider failed: %s", type(exc).__name__)
            raise OidcError(f"request failed: {type(exc).__name__}") from None


def provider_checked_mfa(claims: dict[str, Any]) -> bool:
    """True when the ID token's `amr` claim names a second factor."""
    methods = claims.get("amr") or []
    return isinstance(methods, list) and bool(MFA_METHODS & set(map(str, methods)))
