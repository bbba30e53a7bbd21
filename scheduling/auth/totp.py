"""TOTP (RFC 6238, 30-second steps, 6 digits) and single-use recovery codes.

A code is accepted for the current step and one step either side, and never twice: the caller
stores the accepted step and passes it back as `last_step`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import secrets
import time

import pyotp
import segno

ISSUER = "Clinic Scheduling"
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_GROUPS = 3
RECOVERY_GROUP_CHARS = 4


def new_secret() -> str:
    """Return a new random base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, account_label: str) -> str:
    """Return the otpauth:// URI that authenticator apps read from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account_label, issuer_name=ISSUER)


def qr_svg_data_uri(uri: str) -> str:
    """Render `uri` as a QR code and return it as an SVG data URI for an <img> tag."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=4, xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def verify_code(secret: str, code: str, last_step: int | None,
                at: float | None = None) -> int | None:
    """Return the accepted time step, or None for a wrong, malformed or replayed code."""
    code = code.strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    moment = time.time() if at is None else at
    step = int(moment) // totp.interval
    for candidate in (step - 1, step, step + 1):
        if last_step is not None and candidate <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def new_recovery_codes() -> list[str]:
    """Return RECOVERY_CODE_COUNT codes such as `k7mq-2xpa-r9dh` (about 59 bits each)."""
    return ["-".join("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUP_CHARS))
                     for _ in range(RECOVERY_GROUPS))
            for _ in range(RECOVERY_CODE_COUNT)]


def hash_recovery_code(code: str) -> str:
    """Return the SHA-256 hex digest of a normalized recovery code.

    A fast hash is enough here because the codes are random with about 59 bits of entropy,
    unlike passwords, and sign-in attempts are rate-limited.
    """
    normalized = code.strip().lower().replace(" ", "")
    return hashlib.sha256(normalized.encode()).hexdigest()
