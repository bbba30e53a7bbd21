"""Key-encryption keys (KEKs) that wrap the per-patient data keys of audit payloads.

A keyring contains several AES-256 KEKs by id and names one active. New data keys are wrapped with
the active KEK; data keys wrapped with an older KEK stay readable while that KEK is in the ring.
The ring comes from AUDIT_KEYRING (JSON) or from `audit-keyring.json` in CLINIC_DATA_DIR, created
with mode 0600 and one key on first use:

    {"active": "kek-20261206-3f2a", "keys": {"kek-20261206-3f2a": "<base64 of 32 bytes>"}}
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

logger = logging.getLogger(__name__)

KEYRING_FILE = "audit-keyring.json"
NONCE_BYTES = 12


class UnknownKeyError(LookupError):
    """A wrapped key names a KEK that is not in the keyring."""


@dataclass(frozen=True)
class Keyring:
    """KEKs by id and the id of the one used for new data keys."""

    active_id: str
    keys: dict[str, bytes]

    def __post_init__(self) -> None:
        if self.active_id not in self.keys:
            raise ValueError(f"the keyring's active key {self.active_id!r} is not among its keys")
        for key_id, key in self.keys.items():
            if len(key) != 32:
                raise ValueError(f"keyring key {key_id!r} is {len(key)} bytes; AES-256 keys are 32 bytes")

    def wrap(self, data_key: bytes, context: bytes) -> tuple[str, str]:
        """Encrypt `data_key` with the active KEK; return (kek id, base64 of nonce and ciphertext)."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.keys[self.active_id]).encrypt(nonce, data_key, context)
        return self.active_id, base64.b64encode(nonce + sealed).decode("ascii")

    def unwrap(self, kek_id: str, wrapped: str, context: bytes) -> bytes:
        """Decrypt a wrapped data key; raise UnknownKeyError for a KEK not in the ring.

        Raises cryptography.exceptions.InvalidTag when the wrapped key or its context was altered.
        """
        key = self.keys.get(kek_id)
        if key is None:
            raise UnknownKeyError(f"key-encryption key {kek_id!r} is not in the keyring; restore it to read these payloads")
        raw = base64.b64decode(wrapped)
        return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context)

    def rotated(self, now: dt.datetime | None = None) -> Keyring:
        """Return a copy with a new active KEK; the old ones stay for reading."""
        moment = now or dt.datetime.now(dt.timezone.utc)
        new_id = f"kek-{moment:%Y%m%d}-{secrets.token_hex(2)}"
        return Keyring(new_id, {**self.keys, new_id: AESGCM.generate_key(bit_length=256)})

    def to_json(self) -> str:
        """Serialise the ring in the AUDIT_KEYRING format (this text is secret)."""
        encoded = {key_id: base64.b64encode(key).decode("ascii") for key_id, key in self.keys.items()}
        return json.dumps({"active": self.active_id, "keys": encoded}, sort_keys=True)


def parse_keyring(text: str) -> Keyring:
    """Parse the AUDIT_KEYRING JSON format; raise ValueError naming what is wrong."""
    try:
        data = json.loads(text)
        keys = {str(key_id): base64.b64decode(value, validate=True) for key_id, value in data["keys"].items()}
        return Keyring(str(data["active"]), keys)
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError, binascii.Error) as exc:
        raise ValueError(
            'the audit keyring is malformed; expected {"active": ID, "keys": {ID: base64 of 32 bytes}}'
        ) from exc


def load_keyring(configured: str | None, data_dir: Path) -> Keyring:
    """Load the keyring from `configured` JSON, else from (or into) the keyring file."""
    if configured:
        return parse_keyring(configured)
    path = data_dir / KEYRING_FILE
    if path.exists():
        return parse_keyring(path.read_text(encoding="utf-8"))
    data_dir.mkdir(parents=True, exist_ok=True)
    first = Keyring("placeholder", {"placeholder": bytes(32)}).rotated()
    ring = Keyring(first.active_id, {first.active_id: first.keys[first.active_id]})
    _write_secret(path, ring.to_json(), exclusive=True)
    logger.info("AUDIT_KEYRING is unset, so a new keyring was generated in %s", path)
    return ring


def rotate_keyring_file(data_dir: Path) -> str:
    """Add a new active KEK to the keyring file and return its id.

    Only the file-based ring can be rotated here; with AUDIT_KEYRING set, rotate by setting a
    new value that keeps the old keys (see `Keyring.rotated`).
    """
    path = data_dir / KEYRING_FILE
    ring = load_keyring(None, data_dir).rotated()
    _write_secret(path, ring.to_json(), exclusive=False)
    logger.info("Audit keyring rotated; new key %s is active", ring.active_id)
    return ring.active_id


def _write_secret(path: Path, text: str, exclusive: bool) -> None:
    if exclusive:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        return
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)
