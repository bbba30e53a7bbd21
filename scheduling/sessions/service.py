"""Session records: creation, idle and absolute expiry, rotation and termination.

A session token is 256 random bits (URL-safe base64). The store never keeps the token itself,
only its SHA-256 digest (`ref`), which is also the id that admins see and terminate. So a copy
of the store cannot be replayed as bearer tokens.

Lifetimes (from `Settings`): staff sessions end after STAFF_SESSION_MINUTES (8 h) and after
STAFF_IDLE_MINUTES (15) without a request, ADMIN_IDLE_MINUTES (10) for admins; patient sessions
after PATIENT_SESSION_MINUTES (60) and PATIENT_IDLE_MINUTES (15). A session still waiting for
its second factor lasts at most PENDING_MFA_MINUTES.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import asdict, dataclass, replace

from scheduling.config import Settings
from scheduling.sessions.store import KeyValueStore

logger = logging.getLogger(__name__)

PENDING_MFA_MINUTES = 10
TOKEN_BYTES = 32


@dataclass(frozen=True)
class SessionRecord:
    """Stored state of one session; times are POSIX seconds of the application clock."""

    ref: str
    kind: str  # "staff" or "patient"
    account_id: int
    organization_id: int
    role: str
    created_at: float
    last_seen_at: float
    expires_at: float
    idle_seconds: int
    mfa_verified: bool
    authenticated_at: float
    address: str = ""
    user_agent: str = ""
    break_glass_until: float | None = None
    break_glass_grant_id: int | None = None


def token_ref(token: str) -> str:
    """Return the SHA-256 hex digest under which the session of `token` is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


class SessionService:
    """Sessions on top of a key-value store; every method takes "now" from the caller."""

    def __init__(self, store: KeyValueStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def create(self, *, kind: str, account_id: int, organization_id: int, role: str,
               now: dt.datetime, mfa_verified: bool, address: str = "",
               user_agent: str = "") -> tuple[str, SessionRecord]:
        """Start a session and return its token (shown once) and record."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        moment = now.timestamp()
        lifetime = self._lifetime_seconds(kind, mfa_verified)
        record = SessionRecord(
            ref=token_ref(token), kind=kind, account_id=account_id,
            organization_id=organization_id, role=role, created_at=moment,
            last_seen_at=moment, expires_at=moment + lifetime,
            idle_seconds=self._idle_seconds(kind, role), mfa_verified=mfa_verified,
            authenticated_at=moment, address=address[:64], user_agent=user_agent[:200],
        )
        self.save(record, now)
        self.store.add_member(self._index_key(kind, account_id), record.ref,
                              int(lifetime) + 60)
        logger.info("Started %s session for account %s", kind, account_id)
        return token, record

    def load(self, token: str, now: dt.datetime) -> SessionRecord | None:
        """Return the live session of `token` and mark it used; None if unknown or expired."""
        record = self.get(token_ref(token), now)
        if record is None:
            return None
        touched = replace(record, last_seen_at=now.timestamp())
        self.save(touched, now)
        return touched

    def get(self, ref: str, now: dt.datetime) -> SessionRecord | None:
        """Return the live session stored under `ref` without touching it."""
        raw = self.store.get(self._key(ref))
        if raw is None:
            return None
        record = SessionRecord(**raw)
        moment = now.timestamp()
        if moment >= record.expires_at or moment - record.last_seen_at >= record.idle_seconds:
            logger.info("Session of %s account %s expired", record.kind, record.account_id)
            self.delete(record)
            return None
        return record

    def save(self, record: SessionRecord, now: dt.datetime) -> None:
        """Store `record`, expiring in the store when its absolute lifetime ends."""
        remaining = int(record.expires_at - now.timestamp()) + 1
        self.store.put(self._key(record.ref), asdict(record), max(remaining, 1))

    def rotate(self, record: SessionRecord, now: dt.datetime, *,
               mfa_verified: bool) -> tuple[str, SessionRecord]:
        """Replace the session with a new token, as after a second factor (no fixation)."""
        self.delete(record)
        token, fresh = self.create(kind=record.kind, account_id=record.account_id,
                                   organization_id=record.organization_id, role=record.role,
                                   now=now, mfa_verified=mfa_verified, address=record.address,
                                   user_agent=record.user_agent)
        return token, fresh

    def delete(self, record: SessionRecord) -> None:
        """End one session."""
        self.store.delete(self._key(record.ref))
        self.store.remove_member(self._index_key(record.kind, record.account_id), record.ref)

    def list_for(self, kind: str, account_id: int, now: dt.datetime) -> list[SessionRecord]:
        """Return the live sessions of one account, oldest first."""
        records = []
        for ref in self.store.members(self._index_key(kind, account_id)):
            record = self.get(ref, now)
            if record is None:
                self.store.remove_member(self._index_key(kind, account_id), ref)
            else:
                records.append(record)
        return sorted(records, key=lambda item: item.created_at)

    def delete_all(self, kind: str, account_id: int, now: dt.datetime) -> int:
        """End every session of one account and return how many were live."""
        records = self.list_for(kind, account_id, now)
        for record in records:
            self.delete(record)
        return len(records)

    def _lifetime_seconds(self, kind: str, mfa_verified: bool) -> int:
        minutes = (self.settings.staff_session_minutes if kind == "staff"
                   else self.settings.patient_session_minutes)
        if not mfa_verified:
            minutes = min(minutes, PENDING_MFA_MINUTES)
        return minutes * 60

    def _idle_seconds(self, kind: str, role: str) -> int:
        if kind == "patient":
            return self.settings.patient_idle_minutes * 60
        if role == "admin":
            return self.settings.admin_idle_minutes * 60
        return self.settings.staff_idle_minutes * 60

    @staticmethod
    def _key(ref: str) -> str:
        return f"session:{ref}"

    @staticmethod
    def _index_key(kind: str, account_id: int) -> str:
        return f"account-sessions:{kind}:{account_id}"
