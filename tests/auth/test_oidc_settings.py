"""OIDC settings and the authorization redirect, without contacting any provider."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import ValidationError

from scheduling.config import Settings
from scheduling.sessions.store import MemoryStore
from tests.auth.conftest import build_auth_app, fast_settings

OIDC = {
    "OIDC_ISSUER": "https://idp.example.com",
    "OIDC_CLIENT_ID": "clinic-console",
    "OIDC_CLIENT_SECRET": "synthetic-client-secret",
    "OIDC_REDIRECT_URI": "https://clinic.example.com/v1/auth/oidc/callback",
    "OIDC_AUTHORIZATION_ENDPOINT": "https://idp.example.com/authorize",
    "OIDC_TOKEN_ENDPOINT": "https://idp.example.com/token",
    "OIDC_JWKS_URI": "https://idp.example.com/jwks",
}


def test_partial_oidc_settings_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="OIDC_CLIENT_SECRET"):
        Settings(CLINIC_DATA_DIR=tmp_path, OIDC_ISSUER="https://idp.example.com",
                 OIDC_CLIENT_ID="x", OIDC_REDIRECT_URI="https://clinic.example.com/cb")


def test_plain_http_issuer_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="https"):
        Settings(CLINIC_DATA_DIR=tmp_path, **{**OIDC, "OIDC_ISSUER": "http://idp.example.com"})


def test_loopback_http_allowed(tmp_path: Path) -> None:
    settings = Settings(CLINIC_DATA_DIR=tmp_path,
                        **{**OIDC, "OIDC_ISSUER": "http://127.0.0.1:9000"})
    assert settings.oidc_enabled


def test_access_hours_validated(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="STAFF_ACCESS_HOURS"):
        Settings(CLINIC_DATA_DIR=tmp_path, STAFF_ACCESS_HOURS="19:00-07:00")


def test_login_redirect_has_pkce_state_nonce(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'oidc.sqlite3'}"
    for app in build_auth_app(url, tmp_path / "data", MemoryStore(), **OIDC):
        response = app.client.get("/v1/auth/oidc/login", follow_redirects=False)
        assert response.status_code == 302
        location = urlsplit(response.headers["location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == \
            OIDC["OIDC_AUTHORIZATION_ENDPOINT"]
        query = {key: values[0] for key, values in parse_qs(location.query).items()}
        assert query["client_id"] == "clinic-console"
        assert query["redirect_uri"] == OIDC["OIDC_REDIRECT_URI"]
        assert query["response_type"] == "code"
        assert query["code_challenge_method"] == "S256"
        assert "openid" in query["scope"].split()
        assert len(query["state"]) >= 32
        assert len(query["nonce"]) >= 32
        assert app.sessions.store.get(f"oidc-state:{query['state']}") is not None

        unknown = app.client.get("/v1/auth/oidc/callback",
                                 params={"code": "abc", "state": "never-issued"})
        assert unknown.status_code == 400
        assert unknown.json()["error"]["code"] == "invalid_state"


def test_sso_unset_answers_404(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'oidc.sqlite3'}"
    assert not fast_settings(url, tmp_path / "data").oidc_enabled
    for app in build_auth_app(url, tmp_path / "data", MemoryStore()):
        response = app.client.get("/v1/auth/oidc/login", follow_redirects=False)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "sso_not_configured"
        assert "OIDC_ISSUER" in response.json()["error"]["message"]
