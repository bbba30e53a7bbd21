"""Twilio request signatures (`X-Twilio-Signature`).

Twilio signs a webhook with HMAC-SHA1 keyed by the account's auth token. The signed text is the
full URL Twilio requested, followed by every POST parameter sorted by name, each name
immediately followed by its value. The header carries the digest in base64.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable


def twilio_signature(auth_token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """Return the base64 signature Twilio sends for a POST of `params` to `url`."""
    signed = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(auth_token.encode("utf-8"), signed.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def is_valid_signature(auth_token: str, url: str, params: Iterable[tuple[str, str]],
                       signature: str | None) -> bool:
    """Return True when `signature` matches, compared in constant time; False when it is missing."""
    if not auth_token or not signature:
        return False
    expected = twilio_signature(auth_token, url, params)
    return hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace"))
