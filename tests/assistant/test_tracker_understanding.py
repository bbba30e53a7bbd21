"""Tracker on the demo clinic's vocabulary: visit types, questions, list and earliest requests,
choices that name a new time, dates after the one discussed, and the language hint."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from assistant.engines.local.state import DateRange, Lexicon, SystemAct
from assistant.engines.local.tracker import Tracker
from scheduling.seed import APPOINTMENT_TYPES, PROVIDERS, SITES

NOW = dt.datetime(2025, 12, 4, 10, 0, tzinfo=ZoneInfo("America/Denver"))  # Thursday
CLINIC = Lexicon(
    providers=[{"id": name, "name": display, "specialty": specialty} for name, display, specialty, *_ in PROVIDERS],
    sites=[{"id": name, "name": name, "city": city} for name, city, *_ in SITES],
    appointment_types=[{"id": name, "name": name, "aliases": aliases} for name, _minutes, aliases in APPOINTMENT_TYPES],
    specialties=sorted({specialty for _, _, specialty, *_ in PROVIDERS}),
)


def track(*turns):
    tracker = Tracker(CLINIC, NOW)
    for turn in turns:
        text, system = turn if isinstance(turn, tuple) else (turn, None)
        state = tracker.update(text, system)
    return state


@pytest.mark.parametrize("text, visit_type, specialty", [
    ("I need a teeth cleaning", "Dental cleaning", "dentistry"),
    ("physical therapy for my knee", "Physical therapy session", "physical therapy"),
    ("can I book a checkup", "General check-up", None),
    ("time for my annual visit", "General check-up", None),
    ("a physical next week", "General check-up", None),
    ("i ned a chekup nxt tusday mornin", "General check-up", None),
])
def test_visit_type_wins_over_specialty(text, visit_type, specialty):
    state = track(text)
    assert state.slots["appointment_type"].value == visit_type
    if specialty is None:
        assert "specialty" not in state.slots
    else:
        assert state.slots["specialty"].value == specialty


def test_visit_type_alone_means_find():
    assert track("I need a teeth cleaning").intent == "find"


def test_specialty_alone_keeps_no_type():
    state = track("I need a dentist")
    assert state.slots["specialty"].value == "dentistry"
    assert "appointment_type" not in state.slots


@pytest.mark.parametrize("text, requested, place", [
    ("What are your hours in Denver?", ["hours"], ("city", "Denver")),
    ("when is the Boston clinic open?", ["hours"], ("site", "Boston Clinic")),
    ("do you have weekend hours", ["hours"], None),
    ("where is the Boston clinic", ["address"], ("site", "Boston Clinic")),
    ("what's your phone number", ["phone_number"], None),
    ("whats the phone number for Denver", ["phone_number"], ("city", "Denver")),
])
def test_information_requests(text, requested, place):
    state = track(text)
    assert state.requested == requested
    if place is not None:
        slot, value = place
        assert state.slots[slot].value == value


def test_hours_as_a_duration_is_no_request():
    assert track("can I come in 2 hours?").requested == []


@pytest.mark.parametrize("text", [
    "what do I have now",
    "do I have anything booked",
    "when is my next appointment",
    "my appointments",
    "what's booked for me",
    "show me my bookings",
    "what's on my calendar",
    "am I booked?",
])
def test_list_intent(text):
    assert track(text).intent == "list"


@pytest.mark.parametrize("text", [
    "what do I have to bring",
    "am I booked with Dr. Lee?",
])
def test_list_intent_not_overmatched(text):
    assert track(text).intent != "list"


@pytest.mark.parametrize("text, words", [
    ("first available please", "first available"),
    ("what's the earliest you have with Dr. Moreno", "the earliest you have"),
    ("soonest opening for a cleaning", "soonest opening"),
    ("I need to be seen asap", "asap"),
    ("as soon as possible", "as soon as possible"),
    ("the next available appointment", "the next available"),
])
def test_earliest_preference(text, words):
    slot = track(text).slots["earliest"]
    assert slot.value is True
    assert slot.text == words


def test_earliest_is_not_a_choice_or_a_date():
    offer = SystemAct(offered=({"kind": "slot", "id": "a", "date": dt.date(2025, 12, 8), "time": dt.time(9)},
                               {"kind": "slot", "id": "b", "date": dt.date(2025, 12, 9), "time": dt.time(10)}))
    state = track(("I want the first available slot", offer))
    assert state.choice is None
    assert "date" not in state.slots
    assert state.slots["earliest"].value is True


def test_following_monday_after_a_date():
    state = track("next Tuesday please", "actually the following Monday")
    assert state.slots["date"].value == dt.date(2025, 12, 15)
    assert "date" in state.corrected


def test_following_monday_after_an_offer():
    offer = SystemAct(offered=({"kind": "slot", "id": "a", "date": dt.date(2025, 12, 10), "time": dt.time(9)},))
    state = track(("the following Monday?", offer))
    assert state.slots["date"].value == dt.date(2025, 12, 15)
    assert state.choice is None


def test_week_after_a_range():
    state = track("in January", "hmm, the week after")
    assert state.slots["date"].value == DateRange(dt.date(2026, 1, 5), dt.date(2026, 1, 11))


THREE_SLOTS = SystemAct(offered=(
    {"kind": "slot", "id": "a", "date": dt.date(2025, 12, 8), "time": dt.time(9)},
    {"kind": "slot", "id": "b", "date": dt.date(2025, 12, 9), "time": dt.time(10, 30)},
    {"kind": "slot", "id": "c", "date": dt.date(2025, 12, 12), "time": dt.time(15)},
))
ONE_SLOT = SystemAct(offered=({"kind": "slot", "id": "a", "date": dt.date(2025, 12, 8), "time": dt.time(9)},))


@pytest.mark.parametrize("text, offer", [
    ("the 2:30 one", THREE_SLOTS),
    ("the 2:30 one", ONE_SLOT),
    ("Monday at 2:30 instead", THREE_SLOTS),
    ("ok but at 11am", ONE_SLOT),
])
def test_choice_naming_a_new_time_sets_time(text, offer):
    state = track(("I need a checkup", None), (text, offer))
    assert state.choice is None
    assert state.slots["time"].turn == state.turn
    assert state.slots["time"].value in (dt.time(14, 30), dt.time(11))


@pytest.mark.parametrize("text, choice", [
    ("the Tuesday one", 1),
    ("Friday works", 2),
    ("the one on Dec 8", 0),
    ("10:30 on Tuesday", 1),
])
def test_choice_by_offered_day_or_time(text, choice):
    state = track(("I need a checkup", None), (text, THREE_SLOTS))
    assert state.choice == choice


@pytest.mark.parametrize("text", ["yes, 9 works", "Monday at 9 is good", "book it"])
def test_single_offer_accepted_with_its_own_time(text):
    assert track(("I need a checkup", None), (text, ONE_SLOT)).choice == 0


@pytest.mark.parametrize("text, language", [
    ("hola, necesito una cita", "es"),
    ("Buenos días, quiero cancelar mi cita del martes", "es"),
    ("gracias", "es"),
    ("bonjour, je voudrais un rendez-vous", "fr"),
    ("olá, preciso marcar uma consulta", "pt"),
    ("我想预约", "zh"),
    ("I need a checkup next week", "en"),
    ("do you speak spanish", "en"),
])
def test_language_hint(text, language):
    assert track(text).language_hint == language


@pytest.mark.parametrize("text", ["ok", "3pm", "2", "Dr. Lee", "El Cerrito"])
def test_no_language_hint_on_short_replies(text):
    assert track(text).language_hint is None


def test_language_hint_persists_over_unclear_turns():
    assert track("hola, necesito una cita", "3pm").language_hint == "es"
    assert track("hola, necesito una cita", "I need a checkup please").language_hint == "en"


def test_stated_intent_is_for_this_turn():
    tracker = Tracker(CLINIC, NOW)
    assert tracker.update("cancle my appt").stated_intent == "cancel"
    state = tracker.update("the one on Monday")
    assert state.stated_intent is None
    assert state.intent == "cancel"


@pytest.mark.parametrize("turns, problem", [
    (["yesterday"], "Yesterday (Wed Dec 3) is in the past. Please choose a date from today on."),
    (["book me for last Friday"], "Last Friday (Fri Nov 28) is in the past. Please choose a date from today on."),
    (["2 days ago"], "2 days ago (Tue Dec 2) is in the past. Please choose a date from today on."),
    (["next year"], "Next year is too broad to search. Please name a month or a date, for example early January 2026."),
])
def test_date_problems_in_state(turns, problem):
    state = track(*turns)
    assert state.problems["date"] == problem
    assert "date" not in state.slots


def test_past_date_beside_usable_date():
    state = track("I hurt my knee yesterday, can I see someone today?")
    assert state.problems == {}
    assert state.slots["date"].value == dt.date(2025, 12, 4)


def test_problem_cleared_by_next_date():
    state = track("yesterday", "ok, next Monday then")
    assert state.problems == {}
    assert state.slots["date"].value == dt.date(2025, 12, 8)
