"""De-identified escalation summaries, so that the staff queue never shows a patient's identifiers.

The summary is built from the conversation's timeline and the current message, with every
direct identifier (names, phones, emails, dates of birth, addresses) replaced by the placeholder
that the conversation's pseudonym vault gives it.
"""

from __future__ import annotations

from assistant.conversation import Conversation
from guardrails import Guardrails, PatientContext, PseudonymVault

RECENT_MESSAGES = 3
MAX_QUOTE_CHARS = 160
MAX_SUMMARY_CHARS = 1000


def build_summary(conversation: Conversation, current_text: str, reason: str, guard: Guardrails,
                  patient: PatientContext, vault: PseudonymVault) -> str:
    """Return a short staff-facing summary without the patient's direct identifiers.

    It states the reason, quotes the patient's last few messages and lists the booking steps so
    far. Every quoted string, the reason included, goes through `guard.deidentify`.
    """

    def clean(text: str) -> str:
        return guard.deidentify(text, patient, vault).text

    said = [entry["text"] for entry in conversation.timeline if entry["role"] == "patient"]
    if current_text and (not said or said[-1] != current_text):
        said.append(current_text)
    quotes = [f'"{_shorten(clean(text))}"' for text in said[-RECENT_MESSAGES:]]
    steps = [entry["text"] for entry in conversation.timeline if entry["role"] == "tool"]

    parts = [f"Reason: {_shorten(clean(reason))}."]
    if quotes:
        parts.append("Patient's last messages (de-identified): " + " / ".join(quotes) + ".")
    if steps:
        parts.append("Booking steps so far: " + "; ".join(steps[-5:]) + ".")
    else:
        parts.append("No booking step was taken yet.")
    return " ".join(parts)[:MAX_SUMMARY_CHARS]


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_QUOTE_CHARS else text[: MAX_QUOTE_CHARS - 1] + "…"
