"""PseudonymVault: consistent placeholders, restore, encryption and isolation between threads."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from guardrails import PatientContext, PseudonymVault, VaultKeyError

KEY = bytes(range(32))


@pytest.mark.parametrize(
    ("entity_type", "first", "second"),
    [
        ("PERSON", "Maria Garcia", "MARIA   garcia"),
        ("PERSON", "José García", "jose garcia"),
        ("PHONE_NUMBER", "(555) 201-7788", "555.201.7788"),
        ("PHONE_NUMBER", "+1 555 201 7788", "5552017788"),
        ("EMAIL_ADDRESS", "Maria.Garcia@Example.com", "maria.garcia@example.com"),
        ("DATE_OF_BIRTH", "03/14/1985", "March 14, 1985"),
        ("DATE_OF_BIRTH", "1985-03-14", "3/14/85"),
    ],
)
def test_same_value_same_placeholder(entity_type, first, second):
    vault = PseudonymVault()
    assert vault.placeholder_for(entity_type, first) == vault.placeholder_for(entity_type, second)


def test_different_values_numbered():
    vault = PseudonymVault()
    assert vault.placeholder_for("PERSON", "Ana") == "<PERSON_1>"
    assert vault.placeholder_for("PERSON", "Ben") == "<PERSON_2>"
    assert vault.placeholder_for("PHONE_NUMBER", "555-201-7788") == "<PHONE_NUMBER_1>"


def test_invalid_entity_type_rejected():
    with pytest.raises(ValueError, match="invalid entity type"):
        PseudonymVault().placeholder_for("person name", "Ana")


def test_restore_only_issued_placeholders():
    vault = PseudonymVault()
    vault.placeholder_for("PERSON", "Maria Garcia")
    text = "Booked <PERSON_1>; <PERSON_2> and <EMAIL_ADDRESS_1> are not mine, nor <b>."
    assert vault.restore(text) == "Booked Maria Garcia; <PERSON_2> and <EMAIL_ADDRESS_1> are not mine, nor <b>."


def test_round_trip_encrypted():
    vault = PseudonymVault()
    vault.placeholder_for("PERSON", "Maria Garcia")
    vault.placeholder_for("PHONE_NUMBER", "555-201-7788")
    data = vault.to_bytes(KEY)
    assert b"Maria" not in data
    restored = PseudonymVault.from_bytes(data, KEY)
    assert restored.restore("<PERSON_1> <PHONE_NUMBER_1>") == "Maria Garcia 555-201-7788"
    assert restored.placeholder_for("PERSON", "maria garcia") == "<PERSON_1>"
    assert restored.placeholder_for("PERSON", "Ben") == "<PERSON_2>"


def test_wrong_key_raises_clear_error():
    data = PseudonymVault().to_bytes(KEY)
    with pytest.raises(VaultKeyError, match="wrong key"):
        PseudonymVault.from_bytes(data, os.urandom(32))


def test_tampered_data_raises():
    vault = PseudonymVault()
    vault.placeholder_for("PERSON", "Maria Garcia")
    data = bytearray(vault.to_bytes(KEY))
    data[-1] ^= 1
    with pytest.raises(VaultKeyError):
        PseudonymVault.from_bytes(bytes(data), KEY)


@pytest.mark.parametrize("data", [b"", b"PV1", b"not a vault at all, definitely not"])
def test_truncated_or_foreign_data_raises(data):
    with pytest.raises(VaultKeyError, match="invalid vault data|wrong key"):
        PseudonymVault.from_bytes(data, KEY)


@pytest.mark.parametrize("key", [b"short", b"x" * 31, b"x" * 33])
def test_key_length_checked(key):
    with pytest.raises(ValueError, match="32 bytes"):
        PseudonymVault().to_bytes(key)


def _conversation(guardrails, index: int) -> tuple[int, str, str]:
    patient = PatientContext(
        patient_id=f"pat_{index}", first_name=f"Zed{chr(97 + index)}", last_name="Okonkwo",
        date_of_birth="1990-01-0%d" % (index % 9 + 1), phone=f"555-300-{1000 + index}",
        email=f"user{index}@example.com",
    )
    vault = PseudonymVault()
    text = f"hi it's {patient.first_name} {patient.last_name}, call {patient.phone}, my friend Linh Nguyen too"
    masked = guardrails.deidentify(text, patient, vault).text
    return index, masked, guardrails.reidentify(masked, vault)


def test_parallel_conversations_isolated(guardrails):
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: _conversation(guardrails, i), range(24)))
    for index, masked, restored in results:
        assert masked == "hi it's <PERSON_1>, call <PHONE_NUMBER_1>, my friend <PERSON_2> too"
        assert f"Zed{chr(97 + index)} Okonkwo" in restored
        assert f"555-300-{1000 + index}" in restored
