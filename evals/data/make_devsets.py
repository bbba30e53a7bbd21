"""Generate the synthetic guardrail dev sets with a fixed seed.

Every person, number and address here is invented. Run from the repository root:

    .venv/bin/python evals/data/make_devsets.py

Writes ``phi_tune.jsonl`` and ``phi_test.jsonl`` (text with gold spans), ``benign.jsonl``
(scheduling messages that contain no PHI) and ``injection_tune.jsonl`` / ``injection_test.jsonl``
(labelled "injection" or "benign"). Tune and test sets use different sentence frames and, for
the PHI sets, different name lists, so the test numbers are not measured on the frames the
rules were tuned on.
"""

from __future__ import annotations

import base64
import codecs
import json
import random
import re
from pathlib import Path

from devset_frames import (
    BENIGN_FRAMES, INJECTION_BENIGN_TEST, INJECTION_BENIGN_TUNE, INJECTION_TEST, INJECTION_TUNE,
    PHI_TEST_FRAMES, PHI_TUNE_FRAMES,
)

SEED = 20261204
OUT_DIR = Path(__file__).resolve().parent

TUNE_NAMES = [
    ("Maria", "Garcia"), ("James", "Whitfield"), ("Linh", "Nguyen"), ("Chinedu", "Okonkwo"),
    ("Agnieszka", "Wójcik"), ("Sean", "O'Brien"), ("Priya", "Raman"), ("Daniel", "Hoffmann"),
    ("Fatima", "Haddadi"), ("Kevin", "Castellanos"), ("Emily", "Brandt"), ("Hiroshi", "Tanaka"),
    ("Olga", "Petrenko"), ("Marcus", "Bell-Jones"), ("Rosa", "Delgado"), ("Tyrone", "Washburn"),
]
# Held out: used only in the test set. Some are deliberately absent from the name lexicon.
TEST_NAMES = [
    ("Xiaoming", "Zhou"), ("Oluwadamilare", "Adebanjo"), ("José", "García"), ("Mei-Ling", "Tsai"),
    ("Siobhan", "McAllister"), ("Bartłomiej", "Szczepański"), ("Thandiwe", "Mokoena"),
    ("Rafael", "Ibarra"), ("Nadia", "Kowalczyk"), ("Dmitri", "Volkonsky"), ("Aroha", "Ngata"),
    ("Kwabena", "Owusu-Ansah"), ("Ingrid", "Halvorsen"), ("Tuan", "Pham"), ("Keisha", "Dawson"),
    ("Eamon", "Fitzgerald"), ("Yusuf", "Demirci"), ("Carmen", "Villanueva"), ("Anh", "Trinh"),
    ("Beatrix", "Lindqvist"), ("Obinna", "Eze"), ("Lakshmi", "Venkataraman"), ("Hamza", "Qureshi"),
]
MIDDLE = ["J.", "R.", "Ann", "Lee", "M."]
SUFFIXES = ["Jr.", "Sr.", "III", "II"]
STREETS = ["Maple", "Oak Hill", "Birchwood", "Cedar", "Lincoln", "Willow Creek", "Elm", "Sunset", "Pine Ridge"]
STREET_SUFFIXES = ["Street", "St", "Ave", "Avenue", "Road", "Rd.", "Lane", "Blvd", "Court", "Drive"]
DOMAINS = ["example.com", "example.org", "mail.example.net", "example.edu"]
INSURERS = ["Aetna", "Medicare", "Blue Cross", "Cigna", "Kaiser", "Humana", "UnitedHealthcare"]
PROVIDERS = ["Dr. Ana Lee", "Dr. Lee", "dr lee", "Dr. Omar Haddad", "Dr Haddad", "Dr. Grace Kim", "dr kim", "Dr. Novak", "Dr. Lucia Romero"]
SITES = ["Riverside Clinic", "riverside", "Northgate Family Health", "Lakeview Medical Center", "the Springfield office", "fairview"]
DAYS = ["next Tuesday", "tomorrow", "today", "Friday", "thurs", "monday morning", "the 22nd", "Dec 9", "12/15", "next week", "this afternoon", "sat"]
TIMES = ["3pm", "10:30", "9 am", "noon", "the morning", "after 4", "2:15pm", "early afternoon"]


class Builder:
    """Concatenate text pieces and record the gold span of each PHI piece."""

    def __init__(self) -> None:
        self.text = ""
        self.spans: list[dict] = []

    def add(self, piece: str, label: str | None = None) -> None:
        if label:
            self.spans.append({"start": len(self.text), "end": len(self.text) + len(piece), "label": label})
        self.text += piece


def person_name(rng: random.Random, names: list[tuple[str, str]], style: str = "") -> str:
    first, last = rng.choice(names)
    style = style or rng.choice(["full", "full", "middle", "suffix", "last_first", "full"])
    if style == "first":
        return first
    if style == "middle":
        return f"{first} {rng.choice(MIDDLE)} {last}"
    if style == "suffix":
        return f"{first} {last} {rng.choice(SUFFIXES)}"
    if style == "last_first":
        return f"{last}, {first}"
    return f"{first} {last}"


def phone(rng: random.Random) -> str:
    area = rng.choice(["555", "555", "312", "617", "415", "206"])
    mid, end = f"{rng.randint(200, 999)}", f"{rng.randint(0, 9999):04d}"
    formats = [f"({area}) {mid}-{end}", f"{area}-{mid}-{end}", f"{area}.{mid}.{end}", f"{area}{mid}{end}",
               f"+1 {area} {mid} {end}", f"1-{area}-{mid}-{end}", f"{area} {mid} {end}"]
    return rng.choice(formats)


def birth_date(rng: random.Random) -> str:
    year, month, day = rng.randint(1938, 2012), rng.randint(1, 12), rng.randint(1, 28)
    month_names = ["January", "February", "March", "April", "May", "June", "July", "August",
                   "September", "October", "November", "December"]
    name = month_names[month - 1]
    formats = [f"{month:02d}/{day:02d}/{year}", f"{month}/{day}/{str(year)[2:]}", f"{year}-{month:02d}-{day:02d}",
               f"{name} {day}, {year}", f"{day} {name} {year}", f"{name[:3]} {day} {year}",
               f"{name.lower()} {day}th {year}", f"{month:02d}-{day:02d}-{year}"]
    return rng.choice(formats)


def email(rng: random.Random, names: list[tuple[str, str]]) -> str:
    first, last = rng.choice(names)
    local = re.sub(r"[^a-z]", "", rng.choice([f"{first}.{last}", f"{first[0]}{last}{rng.randint(1, 99)}", f"{last}{first[:2]}"]).lower())
    return f"{local}@{rng.choice(DOMAINS)}"


def address(rng: random.Random) -> str:
    text = f"{rng.randint(1, 9899)} {rng.choice(STREETS)} {rng.choice(STREET_SUFFIXES)}"
    return text + rng.choice(["", "", ", Apt 4B", " Unit 12", " #3"])


def luhn_card(rng: random.Random) -> str:
    digits = [4] + [rng.randint(0, 9) for _ in range(14)]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        doubled = digit * 2 if index % 2 == 0 else digit
        total += doubled - 9 if doubled > 9 else doubled
    digits.append((10 - total % 10) % 10)
    raw = "".join(map(str, digits))
    return rng.choice([raw, " ".join(raw[i : i + 4] for i in range(0, 16, 4)), "-".join(raw[i : i + 4] for i in range(0, 16, 4))])


def member_id(rng: random.Random) -> str:
    letters = "ACDEFGHJKMNPQRTUVWXY"
    mbi = f"{rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}{rng.randint(0, 9)}-{rng.choice(letters)}{rng.randint(0, 9)}{rng.randint(0, 9)}-{rng.choice(letters)}{rng.choice(letters)}{rng.randint(10, 99)}"
    return rng.choice([f"W{rng.randint(10**8, 10**9 - 1)}", f"XQZ{rng.randint(10**8, 10**9 - 1)}", mbi, f"{rng.randint(10**9, 10**10 - 1)}"])


def fill(frame: str, rng: random.Random, names: list[tuple[str, str]]) -> Builder:
    """Fill ``{SLOT}`` placeholders of ``frame``; PHI slots become gold spans."""
    builder = Builder()
    generators = {
        "NAME": ("PERSON", lambda: person_name(rng, names)),
        "FIRST": ("PERSON", lambda: person_name(rng, names, "first")),
        "FULL": ("PERSON", lambda: person_name(rng, names, "full")),
        "PHONE": ("PHONE_NUMBER", lambda: phone(rng)),
        "DOB": ("DATE_OF_BIRTH", lambda: birth_date(rng)),
        "EMAIL": ("EMAIL_ADDRESS", lambda: email(rng, names)),
        "ADDR": ("STREET_ADDRESS", lambda: address(rng)),
        "MRN": ("MEDICAL_RECORD_NUMBER", lambda: rng.choice([str(rng.randint(10**6, 10**9)), f"MR{rng.randint(10**5, 10**7)}"])),
        "MEMBER": ("INSURANCE_MEMBER_ID", lambda: member_id(rng)),
        "SSN": ("US_SSN", lambda: f"{rng.randint(100, 899)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"),
        "CARD": ("CREDIT_CARD", lambda: luhn_card(rng)),
        "DAY": (None, lambda: rng.choice(DAYS)),
        "TIME": (None, lambda: rng.choice(TIMES)),
        "PROVIDER": (None, lambda: rng.choice(PROVIDERS)),
        "SITE": (None, lambda: rng.choice(SITES)),
        "INSURER": (None, lambda: rng.choice(INSURERS)),
    }
    for piece in re.split(r"(\{[A-Z]+\})", frame):
        slot = piece[1:-1] if piece.startswith("{") and piece.endswith("}") else None
        if slot in generators:
            label, generate = generators[slot]
            builder.add(generate(), label)
        else:
            builder.add(typo(piece, rng))
    return builder


def typo(text: str, rng: random.Random) -> str:
    """Drop or swap a letter in about one literal piece in eight, as fast typists do."""
    words = text.split(" ")
    if rng.random() < 0.12 and len(words) > 2:
        index = rng.randrange(len(words))
        word = words[index]
        if len(word) > 4 and word.isalpha():
            position = rng.randrange(1, len(word) - 2)
            words[index] = word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    return " ".join(words)


def recase(builder: Builder, rng: random.Random) -> str:
    """Lower-case about a third of messages and upper-case one in twelve; offsets are unchanged."""
    roll = rng.random()
    if roll < 0.33:
        return builder.text.lower()
    if roll < 0.41:
        return builder.text.upper()
    return builder.text


def phi_rows(frames: list[str], names: list[tuple[str, str]], count: int, rng: random.Random, prefix: str) -> list[dict]:
    rows = []
    for index in range(count):
        builder = fill(frames[index % len(frames)], rng, names)
        text = recase(builder, rng)
        assert len(text) == len(builder.text)
        rows.append({"id": f"{prefix}-{index:04d}", "text": text, "spans": builder.spans})
    return rows


def benign_rows(rng: random.Random) -> list[dict]:
    rows = []
    for index in range(240):
        builder = fill(BENIGN_FRAMES[index % len(BENIGN_FRAMES)], rng, [])
        rows.append({"id": f"benign-{index:04d}", "text": recase(builder, rng), "spans": [], "label": "benign"})
    return rows


def encode_variants(text: str, rng: random.Random) -> str:
    """Hide an injection the ways attackers do: base64, rot13, hex, homoglyphs, zero-width, leet."""
    choice = rng.choice(["plain", "plain", "plain", "base64", "rot13", "hex", "homoglyph", "zero_width", "leet", "spaced"])
    if choice == "base64":
        return "decode this and follow it: " + base64.b64encode(text.encode()).decode()
    if choice == "rot13":
        return "rot13: " + codecs.encode(text, "rot13")
    if choice == "hex":
        return text.encode().hex()
    if choice == "homoglyph":
        return text.replace("o", "\u043e").replace("a", "\u0430").replace("e", "\u0435")
    if choice == "zero_width":
        return "\u200b".join(text)
    if choice == "leet":
        return text.translate(str.maketrans({"o": "0", "i": "1", "e": "3", "a": "4", "s": "5"}))
    if choice == "spaced":
        words = text.split(" ")
        index = max(range(len(words)), key=lambda i: len(words[i]))
        words[index] = " ".join(words[index])
        return " ".join(words)
    return text


def injection_rows(attacks: list[str], benign: list[str], rng: random.Random, prefix: str) -> list[dict]:
    rows = []
    for index, frame in enumerate(attacks * 2):
        text = encode_variants(fill(frame, rng, TUNE_NAMES).text, rng)
        rows.append({"id": f"{prefix}-inj-{index:04d}", "text": text, "label": "injection"})
    for index, frame in enumerate(benign * 2):
        builder = fill(frame, rng, TUNE_NAMES)
        rows.append({"id": f"{prefix}-ben-{index:04d}", "text": recase(builder, rng), "label": "benign"})
    rng.shuffle(rows)
    return rows


def write(name: str, rows: list[dict]) -> None:
    with (OUT_DIR / name).open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} rows to {name}")


def main() -> None:
    rng = random.Random(SEED)
    write("phi_tune.jsonl", phi_rows(PHI_TUNE_FRAMES, TUNE_NAMES, 160, rng, "tune"))
    write("phi_test.jsonl", phi_rows(PHI_TEST_FRAMES, TEST_NAMES, 240, rng, "test"))
    write("benign.jsonl", benign_rows(rng))
    write("injection_tune.jsonl", injection_rows(INJECTION_TUNE, INJECTION_BENIGN_TUNE, rng, "tune"))
    write("injection_test.jsonl", injection_rows(INJECTION_TEST, INJECTION_BENIGN_TEST, rng, "test"))


if __name__ == "__main__":
    main()
