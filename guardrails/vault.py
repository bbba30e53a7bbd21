"""Reversible placeholders for the PHI of one conversation.

A vault maps each normalised value to a placeholder such as ``<PERSON_1>`` and back. The caller
stores it with the conversation, encrypted with ``to_bytes`` (AES-256-GCM), and never shares one
vault between conversations.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import unicodedata
from datetime import date

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

logger = logging.getLogger(__name__)

PLACEHOLDER_RE = re.compile(r"<([A-Z][A-Z_]*?)_(\d+)>")
_FORMAT_TAG = b"PV1"
_NONCE_BYTES = 12
_KEY_BYTES = 32


class VaultKeyError(ValueError):
    """Raised when a stored vault cannot be opened: wrong key, tampered or truncated data."""


def normalise_value(entity_type: str, value: str) -> str:
    """Return the comparison key of ``value``: the same person or number gives the same key.

    Phone numbers compare by their last 10 digits, dates of birth by ISO date when parseable,
    everything else case-insensitively with accents and spacing folded.
    """
    if entity_type == "PHONE_NUMBER":
        digits = re.sub(r"\D", "", value)
        return digits[-10:] if len(digits) >= 10 else digits
    if entity_type == "DATE_OF_BIRTH":
        parsed = parse_date(value)
        if parsed is not None:
            return parsed.isoformat()
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^\w@.+-]", " ", folded.casefold()).split())


_MONTHS = {
    name: index
    for index, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


def parse_date(text: str) -> date | None:
    """Parse the common written forms of a full date; return None when it is not one.

    Accepts ``1985-03-14``, ``03/14/1985``, ``3-14-85``, ``March 14, 1985``, ``14 March 1985``.
    Numeric day-month order is read as US month/day.
    """
    text = text.strip().lower().replace(",", " ")
    numeric = re.fullmatch(r"(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})", text)
    if numeric:
        first, second, third = (int(part) for part in numeric.groups())
        if len(numeric.group(1)) == 4:
            return _safe_date(first, second, third)
        return _safe_date(_full_year(third), first, second)
    words = text.replace(".", " ").split()
    words = [re.sub(r"(st|nd|rd|th)$", "", word) if word[:1].isdigit() else word for word in words]
    words = [word for word in words if word != "of"]
    if len(words) == 3:
        if words[0] in _MONTHS and words[1].isdigit() and words[2].isdigit():
            return _safe_date(_full_year(int(words[2])), _MONTHS[words[0]], int(words[1]))
        if words[1] in _MONTHS and words[0].isdigit() and words[2].isdigit():
            return _safe_date(_full_year(int(words[2])), _MONTHS[words[1]], int(words[0]))
    return None


def _full_year(year: int) -> int:
    if year >= 100:
        return year
    return 2000 + year if year <= date.today().year % 100 else 1900 + year


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


class PseudonymVault:
    """Placeholders for one conversation. Thread-safe; never shared across conversations."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_key: dict[tuple[str, str], str] = {}
        self._originals: dict[str, str] = {}
        self._counters: dict[str, int] = {}

    def placeholder_for(self, entity_type: str, value: str) -> str:
        """Return the placeholder of ``value``, issuing a new one on first sight.

        The same normalised value always gets the same placeholder. ``entity_type`` must be an
        upper-case Presidio-style label such as ``PERSON``; ValueError otherwise.
        """
        if not re.fullmatch(r"[A-Z][A-Z_]*", entity_type):
            raise ValueError(f"invalid entity type {entity_type!r}: expected e.g. 'PERSON'")
        key = (entity_type, normalise_value(entity_type, value))
        with self._lock:
            placeholder = self._by_key.get(key)
            if placeholder is None:
                number = self._counters.get(entity_type, 0) + 1
                self._counters[entity_type] = number
                placeholder = f"<{entity_type}_{number}>"
                self._by_key[key] = placeholder
                self._originals[placeholder] = value
            return placeholder

    def restore(self, text: str) -> str:
        """Replace the placeholders this vault issued by their original values.

        Placeholder-shaped text that this vault never issued is left as it is.
        """
        with self._lock:
            originals = dict(self._originals)
        return PLACEHOLDER_RE.sub(lambda match: originals.get(match.group(0), match.group(0)), text)

    def issued(self, placeholder: str) -> bool:
        """Return True when ``placeholder`` was issued by this vault."""
        with self._lock:
            return placeholder in self._originals

    def __len__(self) -> int:
        with self._lock:
            return len(self._originals)

    def to_bytes(self, key: bytes) -> bytes:
        """Serialise and encrypt the vault with AES-256-GCM under a 32-byte ``key``."""
        aead = AESGCM(_check_key(key))
        with self._lock:
            payload = {
                "entries": [
                    [entity_type, normalised, placeholder, self._originals[placeholder]]
                    for (entity_type, normalised), placeholder in self._by_key.items()
                ],
                "counters": self._counters,
            }
        nonce = os.urandom(_NONCE_BYTES)
        plaintext = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        return _FORMAT_TAG + nonce + aead.encrypt(nonce, plaintext, _FORMAT_TAG)

    @classmethod
    def from_bytes(cls, data: bytes, key: bytes) -> PseudonymVault:
        """Decrypt a vault written by ``to_bytes``.

        Raises VaultKeyError when the key is wrong or the data was altered or truncated.
        """
        aead = AESGCM(_check_key(key))
        if not data.startswith(_FORMAT_TAG) or len(data) < len(_FORMAT_TAG) + _NONCE_BYTES + 16:
            raise VaultKeyError("invalid vault data: not written by PseudonymVault.to_bytes")
        nonce = data[len(_FORMAT_TAG) : len(_FORMAT_TAG) + _NONCE_BYTES]
        try:
            plaintext = aead.decrypt(nonce, data[len(_FORMAT_TAG) + _NONCE_BYTES :], _FORMAT_TAG)
        except InvalidTag:
            raise VaultKeyError(
                "vault decryption failed: wrong key, or the stored vault was altered"
            ) from None
        payload = json.loads(plaintext)
        vault = cls()
        for entity_type, normalised, placeholder, original in payload["entries"]:
            vault._by_key[(entity_type, normalised)] = placeholder
            vault._originals[placeholder] = original
        vault._counters = {name: int(count) for name, count in payload["counters"].items()}
        logger.debug("vault loaded with %d placeholders", len(vault._originals))
        return vault


def _check_key(key: bytes) -> bytes:
    if not isinstance(key, (bytes, bytearray)) or len(key) != _KEY_BYTES:
        raise ValueError(f"vault key must be {_KEY_BYTES} bytes, got {len(key)} bytes")
    return bytes(key)
