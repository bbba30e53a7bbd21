"""Spelling repair before the extractors: text-message spellings and typos of closed vocabularies."""

import datetime as dt

import pytest

from assistant.engines.local.nlu.base import Mention
from assistant.engines.local.nlu.spelling import protected_words, repair
from assistant.engines.local.state import Lexicon, TimeRange
from tests.assistant.test_tracker import DIRECTORY, track


@pytest.mark.parametrize("text, repaired", [
    ("nxt tusday mornin", "next tuesday morning"),
    ("cancle my appt", "cancel my appointment"),
    ("wensday or thrusday", "wednesday or thursday"),
    ("wendsday", "wednesday"),
    ("Febuary 3rd", "February 3rd"),
    ("tommorow at 3", "tomorrow at 3"),
    ("2moro aftn", "tomorrow afternoon"),
    ("Tusday", "Tuesday"),
    ("TUSDAY", "TUESDAY"),
    ("a dermatoligist", "a dermatologist"),
    ("the first availalbe slot", "the first available slot"),
    ("move my appt to sat", "move my appointment to saturday"),
    ("sat morning?", "saturday morning?"),
    ("sun", "sunday"),
    ("on sun at 10", "on sunday at 10"),
])
def test_repairs(text, repaired):
    assert repair(text).text == repaired


@pytest.mark.parametrize("text", [
    "I marched in March",
    "the earlier one please",
    "I sat down",
    "the sun is out",
    "in the mourning",
    "cancer screening",
    "my mouth hurts",
    "a good match",
    "mornings work best",
    "I booked it",
    "a physician please",
    "is it checked in",
    "the easiest time",
])
def test_ordinary_words_kept(text):
    assert repair(text).text == text


def test_directory_names_kept():
    lexicon = Lexicon(providers=[{"id": "p-m", "name": "Dr. Marcy Tuesdy", "specialty": "dentistry"}])
    assert repair("Dr Tuesdy", protected_words(lexicon)).text == "Dr Tuesdy"
    assert repair("Dr Tuesdy").text == "Dr Tuesday"


def test_restore_maps_to_original_words():
    repaired = repair("ok nxt tusday at 3")
    inner = repaired.text.index("next tuesday")
    item = Mention("date", dt.date(2025, 3, 11), inner, inner + len("next tuesday"), "next tuesday")
    restored = repaired.restore(item)
    assert restored.text == "nxt tusday"
    assert (restored.start, restored.end) == (3, 13)


def test_restore_after_edit_shifts_offsets():
    repaired = repair("appt at 3pm")
    start = repaired.text.index("3pm")
    restored = repaired.restore(Mention("time", dt.time(15), start, start + 3, "3pm"))
    assert restored.text == "3pm"
    assert restored.start == 8


def test_sms_turn_fills_slots():
    state = track("i ned a chekup nxt tusday mornin")
    assert state.intent == "find"
    assert state.slots["appointment_type"].value == "t-check"
    assert state.slots["date"].value == dt.date(2025, 3, 11)
    assert state.slots["date"].text == "nxt tusday"
    assert state.slots["time_range"].value == TimeRange(None, dt.time(12))
    assert state.slots["time_range"].text == "mornin"


@pytest.mark.parametrize("text, intent", [
    ("cancle my appt", "cancel"),
    ("i want to reshedule my appointment", "reschedule"),
    ("can u shedule me", "book"),
])
def test_misspelled_intents(text, intent):
    assert track(text).intent == intent


@pytest.mark.parametrize("text", [
    "I sat in the waiting room for an hour",
    "I marched in the parade",
    "the sun hurts my eyes",
    "my mouth hurts when I chew",
    "I'm in mourning, please be patient",
    "I had cancer screening last year",
    "is Dr. Lee a good match for me",
])
def test_ordinary_sentences_give_no_date_or_time(text):
    slots = track(text).slots
    assert "date" not in slots
    assert "time" not in slots
    assert "time_range" not in slots


def test_directory_lexicon_in_use():
    assert track("Dr. Ana Lee tusday", lexicon=DIRECTORY).slots["date"].value == dt.date(2025, 3, 11)
