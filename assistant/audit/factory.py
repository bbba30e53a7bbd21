"""Build the audit log and its parts from `AuditSettings`."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from assistant.audit.database import make_audit_engine, migrate
from assistant.audit.keyring import load_keyring
from assistant.audit.log import AuditLog
from assistant.audit.payloads import PayloadCipher
from assistant.audit.settings import AuditSettings, parse_host_port
from assistant.audit.signing import KEY_FILE, TrustedKeys, load_public_key_pem, load_signer
from assistant.audit.stream import sinks_from_settings

logger = logging.getLogger(__name__)


def open_audit_log(settings: AuditSettings | None = None, *, run_migrations: bool = True,
                   with_alerts: bool = True) -> AuditLog:
    """Return an AuditLog for the configured database, migrating it first when `run_migrations`.

    Raises ValueError for a malformed signing key or keyring, and SQLAlchemy errors when the
    database cannot be reached.
    """
    settings = settings or AuditSettings()
    url = settings.resolved_database_url()
    if run_migrations:
        migrate(url)
    engine = make_audit_engine(url)
    signer = load_signer(_secret(settings.signing_key), settings.clinic_data_dir)
    keyring = load_keyring(_secret(settings.keyring), settings.clinic_data_dir)
    syslog = parse_host_port(settings.syslog) if settings.syslog else None
    alerts = None
    if with_alerts:
        from assistant.audit.alerts import AlertRules

        alerts = AlertRules.from_settings(settings)
    return AuditLog(
        engine,
        signer,
        PayloadCipher(engine, keyring),
        checkpoint_every=settings.checkpoint_every,
        checkpoint_interval=dt.timedelta(minutes=settings.checkpoint_minutes),
        sinks=sinks_from_settings(settings.stream, syslog, settings.clinic_data_dir),
        alerts=alerts,
    )


def trusted_keys(settings: AuditSettings, public_key_files: list[Path] = ()) -> TrustedKeys:
    """Return the keys a verifier trusts: the configured signing key and any given PEM files."""
    keys = [load_public_key_pem(path.read_bytes()) for path in public_key_files]
    # Verifying must not create a signing key, so use the local one only when it exists.
    if settings.signing_key is not None or (settings.clinic_data_dir / KEY_FILE).exists():
        keys.append(load_signer(_secret(settings.signing_key), settings.clinic_data_dir).public_key)
    return TrustedKeys(keys)


def _secret(value) -> str | None:
    return value.get_secret_value() if value is not None else None
