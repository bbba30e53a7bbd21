"""SMS encodings and segments: GSM-7 detection, lengths, and splitting into numbered parts.

A single SMS holds 160 GSM-7 characters, or 70 UCS-2 characters when any character is outside
the GSM-7 alphabet (3GPP TS 23.038). Characters of the GSM-7 extension table take two of the
160 places. A longer reply is sent as separate texts, each prefixed "(1/3) ", and a reply that
would need more than `max_segments` texts is cut at a word and ends with "..." so the last part
still fits.
"""

from __future__ import annotations

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
GSM7_LIMIT = 160
UCS2_LIMIT = 70
ELLIPSIS = "..."


def is_gsm7(text: str) -> bool:
    """Return True when every character of `text` is in the GSM-7 alphabet or its extension."""
    return all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text)


def encoded_length(text: str, gsm7: bool) -> int:
    """Return the length of `text` in SMS units: septets for GSM-7, UTF-16 code units for UCS-2."""
    if gsm7:
        return sum(2 if char in GSM7_EXTENSION else 1 for char in text)
    return len(text.encode("utf-16-le")) // 2


def segment_limit(text: str) -> int:
    """Return how many units one SMS holds for `text`: 160 for GSM-7, else 70."""
    return GSM7_LIMIT if is_gsm7(text) else UCS2_LIMIT


def split_message(text: str, max_segments: int = 4) -> list[str]:
    """Split `text` into texts that each fit one SMS, numbered "(k/n) " when there are several.

    Splits happen between words where possible. Raises ValueError when `max_segments` < 1.
    """
    if max_segments < 1:
        raise ValueError(f"max_segments is {max_segments}; it must be at least 1")
    text = " ".join(text.split(" ")).strip()
    gsm7 = is_gsm7(text)
    limit = GSM7_LIMIT if gsm7 else UCS2_LIMIT
    if encoded_length(text, gsm7) <= limit:
        return [text]

    # Every part reserves room for the widest prefix, "(4/4) " with the default maximum.
    capacity = limit - len(f"({max_segments}/{max_segments}) ")
    chunks = _chunks(text, capacity, gsm7)
    if len(chunks) > max_segments:
        chunks = _shortened(text, max_segments, capacity, gsm7)
    total = len(chunks)
    return [f"({index}/{total}) {chunk}" for index, chunk in enumerate(chunks, start=1)]


def _chunks(text: str, capacity: int, gsm7: bool) -> list[str]:
    """Pack words greedily into chunks of at most `capacity` units; cut words longer than that."""
    chunks: list[str] = []
    current = ""
    for word in text.split(" "):
        while encoded_length(word, gsm7) > capacity:
            if current:
                chunks.append(current)
                current = ""
            cut = _fit(word, capacity, gsm7)
            chunks.append(word[:cut])
            word = word[cut:]
        candidate = f"{current} {word}" if current else word
        if encoded_length(candidate, gsm7) <= capacity:
            current = candidate
        else:
            chunks.append(current)
            current = word
    if current:
        chunks.append(current)
    return chunks


def _shortened(text: str, max_segments: int, capacity: int, gsm7: bool) -> list[str]:
    chunks = _chunks(text, capacity, gsm7)[:max_segments]
    last = chunks[-1]
    while last and encoded_length(last + ELLIPSIS, gsm7) > capacity:
        last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
    chunks[-1] = last.rstrip(" ,.;:") + ELLIPSIS
    return chunks


def _fit(word: str, capacity: int, gsm7: bool) -> int:
    end = min(len(word), capacity)
    while end > 1 and encoded_length(word[:end], gsm7) > capacity:
        end -= 1
    return end
