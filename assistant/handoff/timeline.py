"""The conversation timeline: what the patient saw, staff replies, notices and tool outcomes.

Entries are dicts `{"seq", "at", "role", "text"}` (plus `"staff_id"` on staff replies), kept in
`Conversation.timeline` in `seq` order. Roles: `patient`, `assistant`, `staff`, `notice` (a
system line shown to both sides) and `tool` (a tool's name and status, shown to staff only).
`seq` only grows, so a reader that remembers the last `seq` it saw can ask for newer entries.
"""

from __future__ import annotations

import datetime as dt

from assistant.conversation import Conversation

ROLES = ("patient", "assistant", "staff", "notice", "tool")
PATIENT_VISIBLE_UPDATES = ("staff", "notice")
"""Roles that reach the patient's page outside the reply of their own turn."""


def append_entry(conversation: Conversation, role: str, text: str, **extra: object) -> dict:
    """Append one entry and return it; raise ValueError for an unknown role."""
    if role not in ROLES:
        raise ValueError(f"unknown timeline role {role!r}; expected one of {', '.join(ROLES)}")
    last = conversation.timeline[-1]["seq"] if conversation.timeline else 0
    entry = {"seq": last + 1, "at": dt.datetime.now(dt.timezone.utc).isoformat(), "role": role,
             "text": text, **extra}
    conversation.timeline.append(entry)
    return entry


def entries_after(conversation: Conversation, seq: int, roles: tuple[str, ...] = ROLES) -> list[dict]:
    """Return the entries newer than `seq` whose role is in `roles`, oldest first."""
    return [entry for entry in conversation.timeline if entry["seq"] > seq and entry["role"] in roles]


def last_seq(conversation: Conversation) -> int:
    """Return the newest entry's `seq`, or 0 for an empty timeline."""
    return conversation.timeline[-1]["seq"] if conversation.timeline else 0
