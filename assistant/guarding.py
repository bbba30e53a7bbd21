"""Guardrails for the chat service: one shared instance per clinic directory, and the
conversation key that encrypts each conversation's pseudonym vault."""

from __future__ import annotations

import base64
import logging
import os
import secrets
from functools import lru_cache
from pathlib import Path

from guardrails import DirectoryContext, Guardrails, PatientContext, PseudonymVault

logger = logging.getLogger(__name__)

KEY_FILE = "conversation-key"


@lru_cache(maxsize=8)
def guardrails_for(directory: DirectoryContext) -> Guardrails:
    """Return the process's Guardrails for this directory, building it (about 2 s) on first use."""
    logger.info("loading guardrails for a directory of %s providers", len(directory.provider_names))
    return Guardrails(directory)


def directory_context(directory: dict) -> DirectoryContext:
    """Describe the clinic directory's public names, which pass to the model unchanged."""
    providers = directory.get("providers", [])
    sites = directory.get("sites", [])
    names = [provider["display_name"] for provider in providers] + [provider["name"] for provider in providers]
    return DirectoryContext(
        provider_names=tuple(sorted(set(names))),
        site_names=tuple(sorted(site["name"] for site in sites)),
        cities=tuple(sorted({site["city"] for site in sites})),
        appointment_type_names=tuple(sorted(kind["name"] for kind in directory.get("appointment_types", []))),
        site_addresses=tuple(sorted(site["address"] for site in sites if site.get("address"))),
    )


def patient_context(patient: dict, channel: str, language: str = "en") -> PatientContext:
    return PatientContext(
        patient_id=str(patient["id"]),
        first_name=patient["first_name"],
        last_name=patient["last_name"],
        date_of_birth=patient["date_of_birth"],
        phone=patient["phone"],
        email=patient["email"],
        channel=channel,
        language=language,
    )


def load_conversation_key(configured: str | None, data_dir: Path) -> bytes:
    """Return the 32-byte AES key for vaults: CONVERSATION_KEY (base64), or one kept in data_dir.

    Raises ValueError naming the variable when the configured key is not 32 bytes of base64.
    """
    if configured:
        try:
            key = base64.b64decode(configured, validate=True)
        except ValueError as exc:
            raise ValueError("CONVERSATION_KEY is not valid base64; generate one with 'openssl rand -base64 32'") from exc
        if len(key) != 32:
            raise ValueError(f"CONVERSATION_KEY decodes to {len(key)} bytes; it must be 32 ('openssl rand -base64 32')")
        return key
    path = data_dir / KEY_FILE
    if path.exists():
        return base64.b64decode(path.read_text().strip())
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.b64encode(key).decode())
    logger.info("CONVERSATION_KEY is unset, so a new key was generated in the data directory")
    return key


def open_vault(stored: str | None, key: bytes) -> PseudonymVault:
    return PseudonymVault.from_bytes(base64.b64decode(stored), key) if stored else PseudonymVault()


def seal_vault(vault: PseudonymVault, key: bytes) -> str:
    return base64.b64encode(vault.to_bytes(key)).decode()
