"""Ed25519 keys that sign checkpoints of the hash chain.

The private key never lives in the audit database: it comes from AUDIT_SIGNING_KEY (base64 of
the 32-byte raw key) or from the file `audit-signing-key.pem` in CLINIC_DATA_DIR, created with
mode 0600 on first use. The public key is written beside it as `audit-signing-key.pub.pem` and
stored in `audit_signing_keys`, so verifiers elsewhere can get it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from assistant.audit.canonical import canonical_json

logger = logging.getLogger(__name__)

KEY_FILE = "audit-signing-key.pem"
PUBLIC_KEY_FILE = "audit-signing-key.pub.pem"


def key_id_of(public_key: Ed25519PublicKey) -> str:
    """Return the key id: the first 16 hex digits of SHA-256 over the raw public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    """Return the SubjectPublicKeyInfo PEM text of `public_key`."""
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def load_public_key_pem(text: str | bytes) -> Ed25519PublicKey:
    """Parse an Ed25519 public key in PEM; raise ValueError for any other key or malformed text."""
    data = text.encode("ascii") if isinstance(text, str) else text
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("the public key is not an Ed25519 key")
    return key


def checkpoint_message(seq: int, prev_checkpoint_seq: int, record_hash: str, signed_at: str, key_id: str) -> bytes:
    """Return the bytes a checkpoint signature covers: canonical JSON of its fields."""
    return canonical_json({
        "key_id": key_id,
        "prev_checkpoint_seq": prev_checkpoint_seq,
        "record_hash": record_hash,
        "seq": seq,
        "signed_at": signed_at,
    }).encode("utf-8")


@dataclass(frozen=True)
class CheckpointSigner:
    """The private signing key and its id."""

    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def key_id(self) -> str:
        return key_id_of(self.public_key)

    def sign(self, message: bytes) -> str:
        """Return the base64 Ed25519 signature of `message`."""
        return base64.b64encode(self.private_key.sign(message)).decode("ascii")


def load_signer(configured: str | None, data_dir: Path) -> CheckpointSigner:
    """Load the signing key from `configured` base64 text, else from (or into) the key file.

    Raises ValueError when the configured text is not base64 of 32 bytes.
    """
    if configured:
        try:
            raw = base64.b64decode(configured, validate=True)
        except binascii.Error as exc:
            raise ValueError("AUDIT_SIGNING_KEY is not valid base64; set base64 of a 32-byte key") from exc
        if len(raw) != 32:
            raise ValueError(f"AUDIT_SIGNING_KEY decodes to {len(raw)} bytes; an Ed25519 key is 32 bytes")
        return CheckpointSigner(Ed25519PrivateKey.from_private_bytes(raw))

    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / KEY_FILE
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 private key")
        return CheckpointSigner(key)

    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    (data_dir / PUBLIC_KEY_FILE).write_text(public_key_pem(key.public_key()), encoding="ascii")
    logger.info("AUDIT_SIGNING_KEY is unset, so a new checkpoint key was generated in %s", path)
    return CheckpointSigner(key)


class TrustedKeys:
    """Public keys a verifier accepts, by key id."""

    def __init__(self, keys: list[Ed25519PublicKey]) -> None:
        self._keys = {key_id_of(key): key for key in keys}

    def __contains__(self, key_id: str) -> bool:
        return key_id in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def verify(self, key_id: str, message: bytes, signature: str) -> bool:
        """Return True when `signature` (base64) over `message` is valid under key `key_id`."""
        key = self._keys.get(key_id)
        if key is None:
            return False
        try:
            key.verify(base64.b64decode(signature), message)
        except (InvalidSignature, binascii.Error, ValueError):
            return False
        return True
