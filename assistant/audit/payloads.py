"""Per-field AES-256-GCM encryption of the PHI kept in audit records, and crypto-shredding.

Each (patient, data class, calendar month, KEK) gets its own random data key, stored wrapped by
the keyring's KEK in `audit_data_keys`. A sealed payload is canonical JSON mapping each field
name to `"<data key id>:<base64 of nonce and ciphertext>"`. The associated data is
`"<event id>/<field>"`, so a ciphertext moved to another record or field fails to decrypt.

The chain hashes the sealed text, so deleting data keys (crypto-shredding) leaves every record
verifiable while making the payload unreadable. Keys are per month so that retention can shred
old payloads of a patient and keep newer ones.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import os
import threading
import uuid
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine, and_, select, update

from assistant.audit.canonical import canonical_json, format_time
from assistant.audit.keyring import NONCE_BYTES, Keyring
from assistant.audit.schema import data_keys

logger = logging.getLogger(__name__)

SHREDDED = "[shredded]"
"""Value that `PayloadCipher.open` returns for a field whose data key was shredded."""


def scope_of(patient_id: str | None) -> str:
    """Return the data-key scope of a patient id; records without a patient share scope "none"."""
    return f"patient:{patient_id}" if patient_id else "none"


class PayloadCipher:
    """Seals and opens record payloads; safe to share between threads."""

    def __init__(self, engine: Engine, keyring: Keyring, clock: Callable[[], dt.datetime] | None = None) -> None:
        self.engine = engine
        self.keyring = keyring
        self._clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))
        self._lock = threading.Lock()
        self._write_keys: dict[tuple[str, str, str, str], tuple[str, AESGCM]] = {}
        self._read_keys: dict[str, AESGCM | None] = {}

    def seal(self, event_id: str, patient_id: str | None, data_class: str, fields: dict[str, Any]) -> str | None:
        """Encrypt each field's JSON value; return the sealed payload text, or None for no fields."""
        if not fields:
            return None
        key_id, cipher = self._write_key(scope_of(patient_id), data_class)
        sealed = {}
        for name, value in fields.items():
            nonce = os.urandom(NONCE_BYTES)
            plain = canonical_json(value).encode("utf-8")
            body = cipher.encrypt(nonce, plain, f"{event_id}/{name}".encode("utf-8"))
            sealed[name] = f"{key_id}:{base64.b64encode(nonce + body).decode('ascii')}"
        return canonical_json(sealed)

    def open(self, event_id: str, payload: str | None) -> dict[str, Any]:
        """Decrypt a sealed payload; fields whose key was shredded come back as SHREDDED.

        Raises cryptography.exceptions.InvalidTag when a ciphertext was altered or moved.
        """
        if not payload:
            return {}
        opened: dict[str, Any] = {}
        for name, token in json.loads(payload).items():
            key_id, _, encoded = token.partition(":")
            cipher = self._read_key(key_id)
            if cipher is None:
                opened[name] = SHREDDED
                continue
            raw = base64.b64decode(encoded)
            plain = cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], f"{event_id}/{name}".encode("utf-8"))
            opened[name] = json.loads(plain)
        return opened

    def shred(self, patient_id: str | None = None, data_class: str | None = None,
              before_epoch: str | None = None) -> int:
        """Delete the wrapped data keys that match; return how many were shredded.

        `before_epoch` ("YYYY-MM") keeps keys of that month and later. With no filter at all every
        key is shredded. NOTE: other processes keep keys they already unwrapped in memory until
        they restart, and only this process drops them at once.
        """
        conditions = [data_keys.c.wrapped_key.is_not(None)]
        if patient_id is not None:
            conditions.append(data_keys.c.scope == scope_of(patient_id))
        if data_class is not None:
            conditions.append(data_keys.c.data_class == data_class)
        if before_epoch is not None:
            conditions.append(data_keys.c.epoch < before_epoch)
        with self.engine.begin() as connection:
            result = connection.execute(
                update(data_keys).where(and_(*conditions))
                .values(wrapped_key=None, shredded_at=format_time(self._clock()))
                .returning(data_keys.c.id)
            )
            shredded = [row.id for row in result]
        with self._lock:
            for key_id in shredded:
                self._read_keys[key_id] = None
            self._write_keys = {slot: entry for slot, entry in self._write_keys.items() if entry[0] not in shredded}
        logger.info("Crypto-shredded %d audit data keys", len(shredded))
        return len(shredded)

    def _write_key(self, scope: str, data_class: str) -> tuple[str, AESGCM]:
        epoch = f"{self._clock():%Y-%m}"
        slot = (scope, data_class, epoch, self.keyring.active_id)
        with self._lock:
            cached = self._write_keys.get(slot)
        if cached is not None:
            return cached
        entry = self._load_or_create(slot)
        with self._lock:
            self._write_keys[slot] = entry
            self._read_keys[entry[0]] = entry[1]
        return entry

    def _load_or_create(self, slot: tuple[str, str, str, str]) -> tuple[str, AESGCM]:
        scope, data_class, epoch, kek_id = slot
        match = and_(data_keys.c.scope == scope, data_keys.c.data_class == data_class,
                     data_keys.c.epoch == epoch, data_keys.c.kek_id == kek_id,
                     data_keys.c.wrapped_key.is_not(None))
        with self.engine.connect() as connection:
            row = connection.execute(select(data_keys).where(match)).first()
        if row is not None:
            return row.id, AESGCM(self.keyring.unwrap(row.kek_id, row.wrapped_key, row.id.encode()))

        key_id = uuid.uuid4().hex
        data_key = AESGCM.generate_key(bit_length=256)
        wrapped_by, wrapped = self.keyring.wrap(data_key, key_id.encode())
        with self.engine.begin() as connection:
            connection.execute(data_keys.insert().values(
                id=key_id, scope=scope, data_class=data_class, epoch=epoch, kek_id=wrapped_by,
                wrapped_key=wrapped, created_at=format_time(self._clock()),
            ))
        return key_id, AESGCM(data_key)

    def _read_key(self, key_id: str) -> AESGCM | None:
        with self._lock:
            if key_id in self._read_keys:
                return self._read_keys[key_id]
        with self.engine.connect() as connection:
            row = connection.execute(select(data_keys).where(data_keys.c.id == key_id)).first()
        cipher = None
        if row is not None and row.wrapped_key is not None:
            cipher = AESGCM(self.keyring.unwrap(row.kek_id, row.wrapped_key, row.id.encode()))
        with self._lock:
            self._read_keys[key_id] = cipher
        return cipher
