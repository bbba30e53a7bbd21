"""Encryption of small secrets at rest (TOTP seeds) with a key derived from TOKEN_SECRET.

Fernet (AES-128-CBC with HMAC-SHA256) keyed by HKDF-SHA256 over TOKEN_SECRET. Rotating
TOKEN_SECRET makes stored TOTP seeds unreadable, so every account must enrol again.
"""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

HKDF_INFO = b"clinic-scheduling totp-secret v1"


@functools.lru_cache(maxsize=4)
def _fernet(token_secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(
        token_secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_secret(plaintext: str, token_secret: str) -> str:
    """Return the Fernet token of `plaintext`."""
    return _fernet(token_secret).encrypt(plaintext.encode()).decode()


def decrypt_secret(ciphertext: str, token_secret: str) -> str | None:
    """Return the plaintext, or None when the ciphertext was made with another key."""
    try:
        return _fernet(token_secret).decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        return None
