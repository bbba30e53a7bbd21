"""GSM-7 detection, SMS lengths and splitting into numbered parts."""

from __future__ import annotations

import pytest

from assistant.channels.sms.segments import encoded_length, is_gsm7, segment_limit, split_message


@pytest.mark.parametrize("text", ["Hello, 9:00 AM at Sunnyvale Clinic.", "¿Mañana a las 9? ¡Bien! Ñoño, café", "café @ 5€ [ok]"])
def test_gsm7_text_is_detected(text):
    assert is_gsm7(text)
    assert segment_limit(text) == 160


@pytest.mark.parametrize("text", ["Recordatorio: cita el sábado", "Thanks 😊", "naïve", "ciudad: Bogotá"])
def test_non_gsm7_text_is_ucs2(text):
    assert not is_gsm7(text)
    assert segment_limit(text) == 70


def test_extension_characters_count_twice():
    assert encoded_length("[]", gsm7=True) == 4
    assert encoded_length("€", gsm7=True) == 2
    assert encoded_length("ab", gsm7=True) == 2


def test_emoji_counts_two_ucs2_units():
    assert encoded_length("😊", gsm7=False) == 2


def test_short_text_is_one_part():
    assert split_message("x" * 160) == ["x" * 160]


def test_161_gsm_characters_split_in_two():
    text = " ".join(["word"] * 33)  # 164 characters

    parts = split_message(text)

    assert len(parts) == 2
    assert parts[0].startswith("(1/2) ")
    assert parts[1].startswith("(2/2) ")
    assert all(len(part) <= 160 for part in parts)
    assert " ".join(part[6:] for part in parts) == text


def test_extension_characters_push_over_limit():
    text = "[" * 81  # 162 septets

    parts = split_message(text)

    assert len(parts) == 2
    assert all(encoded_length(part, gsm7=True) <= 160 for part in parts)


def test_ucs2_text_splits_at_70():
    text = "Su cita del miércoles quedó confirmada para la mañana en la clínica de Denver."

    parts = split_message(text)

    assert len(text) > 70
    assert len(parts) == 2
    assert all(encoded_length(part, gsm7=False) <= 70 for part in parts)


def test_long_text_is_shortened_to_max_parts():
    text = " ".join(["appointment"] * 200)

    parts = split_message(text, max_segments=3)

    assert len(parts) == 3
    assert parts[-1].startswith("(3/3) ")
    assert parts[-1].endswith("...")
    assert all(len(part) <= 160 for part in parts)


def test_word_longer_than_part_is_cut():
    parts = split_message("a" * 400)

    assert len(parts) == 3
    assert all(len(part) <= 160 for part in parts)


def test_invalid_max_segments_raises():
    with pytest.raises(ValueError, match="max_segments"):
        split_message("hi", max_segments=0)
