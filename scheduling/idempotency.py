"""Idempotency-Key handling: a retried request replays the stored response.

Records are per patient and key. The request hash covers method, path and body, so the same key
sent with another body, or to another endpoint, is rejected with 409 `idempotency_key_reused`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from scheduling.errors import ApiError
from scheduling.models import IdempotencyRecord, Patient

logger = logging.getLogger(__name__)

KEY_MIN_CHARS = 8
KEY_MAX_CHARS = 128


def validate_key(key: str | None, *, required: bool) -> str | None:
    """Return the key; raise ApiError 422 when it is required but missing, or of bad length."""
    if key is None:
        if required:
            raise ApiError(422, "invalid_request", "Idempotency-Key header is required. Send a "
                           "unique value of 8 to 128 characters per booking, such as a UUID.",
                           "Idempotency-Key")
        return None
    if not KEY_MIN_CHARS <= len(key) <= KEY_MAX_CHARS or not key.isprintable():
        raise ApiError(422, "invalid_request", f"Idempotency-Key has {len(key)} characters; it "
                       "must be 8 to 128 printable characters, such as a UUID.", "Idempotency-Key")
    return key


def request_hash(method: str, path: str, body: dict[str, Any]) -> str:
    """Hash what identifies a request, independent of key order in the body."""
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def run_idempotent(session: Session, patient: Patient, key: str | None, digest: str,
                   action: Callable[[], tuple[int, dict[str, Any]]]) -> JSONResponse:
    """Run `action` once per key and store its response; replay it for a retry.

    `action` must flush but not commit its changes, so they commit together with the record. Raises ApiError 409 `idempotency_key_reused` for a key already used
    with another request, and re-raises errors of `action` unless a concurrent request with the
    same key has succeeded meanwhile, in which case that response is replayed.
    """
    if key is None:
        status_code, body = action()
        session.commit()
        return JSONResponse(body, status_code=status_code)

    stored = _replay(session, patient, key, digest)
    if stored is not None:
        return stored
    try:
        status_code, body = action()
        session.add(IdempotencyRecord(patient_id=patient.id, key=key, request_hash=digest,
                                      status_code=status_code, response_body=body))
        session.commit()
    except (ApiError, IntegrityError):
        session.rollback()
        stored = _replay(session, patient, key, digest)
        if stored is not None:
            return stored
        raise
    return JSONResponse(body, status_code=status_code)


def _replay(session: Session, patient: Patient, key: str, digest: str) -> JSONResponse | None:
    record = session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.patient_id == patient.id, IdempotencyRecord.key == key
        )
    )
    if record is None:
        return None
    if record.request_hash != digest:
        raise ApiError(409, "idempotency_key_reused", "This Idempotency-Key was already used "
                       "with a different request. Send a new key for a new request.",
                       "Idempotency-Key")
    logger.info("Replayed idempotent response %s for patient %s", record.id, patient.id)
    return JSONResponse(record.response_body, status_code=record.status_code,
                        headers={"Idempotent-Replayed": "true"})

