"""Per-field encryption, keyring rotation and crypto-shredding of audit payloads."""

from __future__ import annotations

import json

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import select, text

from assistant.audit.keyring import KEYRING_FILE, load_keyring, parse_keyring, rotate_keyring_file
from assistant.audit.payloads import SHREDDED, PayloadCipher
from assistant.audit.retention import crypto_shred_patient
from assistant.audit.schema import data_keys, records
from assistant.audit.verify import verify_log
from tests.audit.conftest import build_log
from tests.audit.helpers import STAFF, as_attacker, reply_event

REPLY = "Jordan, you are booked with Dr. Ana Lee on Tue Dec 8 at 9:00 AM."


def _stored(log, seq: int):
    with log.engine.connect() as connection:
        return connection.execute(select(records).where(records.c.seq == seq)).one()


def test_phi_fields_encrypted_at_rest(audit_log):
    record = audit_log.append(reply_event("1", REPLY))
    row = _stored(audit_log, record.seq)

    assert "Jordan" not in row.payload
    assert "Jordan" not in row.details
    sealed = json.loads(row.payload)
    assert list(sealed) == ["reply"]
    assert audit_log.cipher.open(row.event_id, row.payload) == {"reply": REPLY}


def test_ciphertext_bound_to_record(audit_log):
    first = audit_log.append(reply_event("1", REPLY))
    second = audit_log.append(reply_event("1", "other reply"))

    with pytest.raises(InvalidTag):
        audit_log.cipher.open(second.event_id, first.payload)


def test_keys_separate_per_patient(audit_log):
    audit_log.append(reply_event("1", REPLY))
    audit_log.append(reply_event("2", "Hello Casey"))

    with audit_log.engine.connect() as connection:
        scopes = sorted(connection.execute(select(data_keys.c.scope)).scalars())
    assert scopes == ["patient:1", "patient:2"]


def test_rotation_keeps_old_records_readable(audit_url, data_dir):
    old_log = build_log(audit_url, data_dir)
    old = old_log.append(reply_event("1", "before rotation"))
    old_kek = load_keyring(None, data_dir).active_id

    new_kek = rotate_keyring_file(data_dir)
    new_log = build_log(audit_url, data_dir)
    new = new_log.append(reply_event("1", "after rotation"))

    assert new_kek != old_kek
    assert new_log.cipher.open(old.event_id, old.payload) == {"reply": "before rotation"}
    assert new_log.cipher.open(new.event_id, new.payload) == {"reply": "after rotation"}
    with new_log.engine.connect() as connection:
        keks = connection.execute(select(data_keys.c.kek_id).order_by(data_keys.c.created_at)).scalars().all()
    assert keks == [old_kek, new_kek]
    for log in (old_log, new_log):
        log.engine.dispose()


def test_keyring_without_old_key_fails_clearly(audit_url, data_dir):
    log = build_log(audit_url, data_dir)
    record = log.append(reply_event("1", REPLY))
    ring = load_keyring(None, data_dir)
    stranger = parse_keyring(ring.rotated().to_json())
    stranger = type(stranger)(stranger.active_id, {stranger.active_id: stranger.keys[stranger.active_id]})

    cipher = PayloadCipher(log.engine, stranger)
    with pytest.raises(LookupError, match="not in the keyring"):
        cipher.open(record.event_id, record.payload)
    log.engine.dispose()


def test_keyring_file_is_private(data_dir):
    load_keyring(None, data_dir)

    assert (data_dir / KEYRING_FILE).stat().st_mode & 0o077 == 0


def test_malformed_keyring_rejected():
    with pytest.raises(ValueError, match="malformed"):
        parse_keyring('{"active": "a"}')
    with pytest.raises(ValueError, match="32 bytes"):
        parse_keyring('{"active": "a", "keys": {"a": "AAAA"}}')


def test_crypto_shred_keeps_chain_verifiable(audit_log, trusted):
    shredded = audit_log.append(reply_event("1", REPLY))
    kept = audit_log.append(reply_event("2", "Hello Casey"))

    count = crypto_shred_patient(audit_log, "1", actor=STAFF, source=kept_source())
    fresh = PayloadCipher(audit_log.engine, audit_log.cipher.keyring)

    assert count == 1
    assert fresh.open(shredded.event_id, shredded.payload) == {"reply": SHREDDED}
    assert audit_log.cipher.open(shredded.event_id, shredded.payload) == {"reply": SHREDDED}
    assert fresh.open(kept.event_id, kept.payload) == {"reply": "Hello Casey"}
    with audit_log.engine.connect() as connection:
        wrapped = connection.execute(select(data_keys.c.wrapped_key).where(data_keys.c.scope == "patient:1")).scalar()
    assert wrapped is None
    report = verify_log(audit_log.engine, trusted)
    assert report.ok, report.problem
    assert report.records_checked == 3


def test_new_payloads_after_shred_use_new_key(audit_log):
    audit_log.append(reply_event("1", REPLY))
    audit_log.cipher.shred(patient_id="1")

    later = audit_log.append(reply_event("1", "a new conversation"))

    assert audit_log.cipher.open(later.event_id, later.payload) == {"reply": "a new conversation"}


def test_swapped_payload_detected_by_chain(audit_log, trusted):
    first = audit_log.append(reply_event("1", REPLY))
    audit_log.append(reply_event("1", "second"))
    as_attacker(audit_log.engine, f"UPDATE audit_records SET payload = '{first.payload}' WHERE seq = 2")

    report = verify_log(audit_log.engine, trusted)

    assert (report.problem.kind, report.problem.seq) == ("edited", 2)


def kept_source():
    from assistant.audit import Source

    return Source(ip="127.0.0.1", channel="console")
