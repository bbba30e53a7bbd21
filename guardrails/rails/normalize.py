"""Text normalisation that undoes the usual ways of hiding an instruction from a pattern.

Layers: Unicode NFKC, zero-width and soft-hyphen removal, Cyrillic and Greek homoglyphs,
letter-spacing ("i g n o r e"), leetspeak, and decoding of base64, hex, URL-encoded and rot13
text. Each layer yields a variant; the detectors check all of them.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote

_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u00ad\u034f\u180e]")
_HOMOGLYPHS = str.maketrans(
    "аеорсхуіјѕԁɡһкмтвнАЕОРСХУІЈЅВНКМТαεοριτυνκΑΕΟΡΙΤΥΝΚΒΜΗΖχ",
    "aeopcxyijsdghkmtbhAEOPCXYIJSBHKMTaeopitvvkAEOPITYNKBMHZx",
)
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "|": "l"})
_SPACED_LETTERS = re.compile(r"\b(?:[a-z][ .\-_*]){3,}[a-z]\b", re.IGNORECASE)
_BASE64_TOKEN = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
_HEX_TOKEN = re.compile(r"\b(?:[0-9a-fA-F]{2}[\s:]?){8,}\b")
_LEET_WORD = re.compile(r"\b\w*[a-z]\w*\b|\S*[@$!|]\S*", re.IGNORECASE)


@dataclass(frozen=True)
class NormalizedText:
    """The original message and the variants the detectors check."""

    original: str
    plain: str  # NFKC, invisible characters removed, homoglyphs mapped, lower case, spaces collapsed
    variants: tuple[str, ...]  # plain plus de-spaced and leetspeak forms
    decoded: tuple[str, ...]  # text recovered from base64, hex, URL-encoding and rot13


def normalize(text: str) -> NormalizedText:
    """Compute every variant of ``text``; never raises on malformed encodings."""
    plain = unicodedata.normalize("NFKC", text)
    plain = _INVISIBLE.sub("", plain).translate(_HOMOGLYPHS)
    plain = " ".join(plain.lower().split())
    despaced = _SPACED_LETTERS.sub(lambda m: re.sub(r"[ .\-_*]", "", m.group(0)), plain)
    leet = _LEET_WORD.sub(lambda m: m.group(0).translate(_LEET) if re.search("[a-z]", m.group(0)) else m.group(0), despaced)
    variants = tuple(dict.fromkeys((plain, despaced, leet)))
    return NormalizedText(text, plain, variants, _decoded_payloads(unicodedata.normalize("NFKC", text)))


def _decoded_payloads(text: str) -> tuple[str, ...]:
    payloads = []
    for token in _BASE64_TOKEN.findall(text):
        payloads.append(_decode_base64(token))
    for match in _HEX_TOKEN.finditer(text):
        payloads.append(_decode_hex(match.group(0)))
    if "%" in text:
        payloads.append(unquote(text))
    payloads.append(codecs.decode(text, "rot13"))
    return tuple(" ".join(p.lower().split()) for p in payloads if p and _mostly_printable(p))


def _decode_base64(token: str) -> str:
    padded = token + "=" * (-len(token) % 4)
    try:
        return base64.b64decode(padded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return ""


def _decode_hex(token: str) -> str:
    try:
        return bytes.fromhex(re.sub(r"[\s:]", "", token)).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return ""


def _mostly_printable(text: str) -> bool:
    printable = sum(ch.isprintable() and ord(ch) < 0x3000 for ch in text)
    return printable >= 0.9 * len(text)
