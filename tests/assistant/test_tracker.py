"""Tracker over whole conversations: intents, slots, choices, corrections and yes/no."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from assistant.engines.local.state import Lexicon, SystemAct, TimeRange
from assistant.engines.local.tracker import Tracker

NOW = dt.datetime(2025, 3, 5, 10, 0, tzinfo=ZoneInfo("America/Chicago"))  # Wednesday
DIRECTORY = Lexicon(
    providers=[
        {"id": "p-lee", "name": "Dr. Ana Lee", "specialty": "dermatology"},
        {"id": "p-leigh", "name": "Dr. Anna Leigh", "specialty": "cardiology"},
        {"id": "p-patel", "name": "Dr. Raj Patel", "specialty": "family medicine"},
    ],
    sites=[{"id": "s-down", "name": "Downtown Clinic", "city": "Springfield"},
           {"id": "s-north", "name": "Northside Health Center", "city": "Shelbyville"}],
    appointment_types=[{"id": "t-check", "name": "Check-up", "aliases": ["checkup", "physical", "annual visit"]},
                       {"id": "t-clean", "name": "Teeth cleaning", "aliases": ["cleaning"]}],
    specialties=["dermatology", "cardiology", "family medicine", "pediatrics", "dentistry", "physical therapy"],
)
ONLY_LEE = Lexicon(providers=[DIRECTORY.providers[0], DIRECTORY.providers[2]])


def track(*turns, lexicon=DIRECTORY):
    tracker = Tracker(lexicon, NOW)
    for turn in turns:
        text, system = turn if isinstance(turn, tuple) else (turn, None)
        state = tracker.update(text, system)
    return state


def test_naive_now_rejected():
    with pytest.raises(ValueError, match="timezone-aware"):
        Tracker(DIRECTORY, dt.datetime(2025, 3, 5))


@pytest.mark.parametrize("text, intent", [
    ("I'm looking for a dermatologist", "find"),
    ("is anyone available Friday?", "find"),
    ("I'd like to book an appointment", "book"),
    ("can you schedule me for a checkup", "book"),
    ("I need to move my appointment", "reschedule"),
    ("can we push it back a week", "reschedule"),
    ("change my appointment please", "reschedule"),
    ("I want to reschedule my booking", "reschedule"),
    ("please cancel my appointment", "cancel"),
    ("I can't make it to my appointment", "cancel"),
    ("what appointments do I have", "list"),
    ("when is my next appointment?", "list"),
    ("can I talk to a person", "human"),
    ("let me speak with someone", "human"),
    ("I want to talk to an agent", "human"),
    ("connect me to the front desk", "human"),
])
def test_intents(text, intent):
    assert track(text).intent == intent


def test_intent_persists_until_changed():
    tracker = Tracker(DIRECTORY, NOW)
    assert tracker.update("I want to book a checkup").intent == "book"
    assert tracker.update("tomorrow at 3pm").intent == "book"
    assert tracker.update("actually, cancel my appointment instead").intent == "cancel"
    assert tracker.state.intent == "cancel"


def test_slots_keep_their_text():
    state = track("Book a physical with doctor lee next Tuesday after 3 at the Downtown Clinic")
    assert state.slots["provider"].value == ("p-lee", "p-leigh")
    assert state.slots["appointment_type"].value == "t-check"
    assert state.slots["appointment_type"].text == "physical"
    assert state.slots["date"].value == dt.date(2025, 3, 11)
    assert state.slots["date"].text == "next Tuesday"
    assert state.slots["time_range"].value == TimeRange(dt.time(15), None)
    assert state.slots["time_range"].text == "after 3"
    assert state.slots["site"].value == "s-down"
    assert state.slots["date"].turn == 1


@pytest.mark.parametrize("text, provider", [
    ("Dr Lee", "p-lee"),
    ("doctor lee", "p-lee"),
    ("Lee", "p-lee"),
    ("Dr. Lea please", "p-lee"),
    ("I'd like to see Dr. Patil", "p-patel"),
])
def test_provider_fuzzy_match(text, provider):
    assert track(text, lexicon=ONLY_LEE).slots["provider"].value == provider


def test_provider_ambiguity_keeps_both():
    assert track("Dr. Lee").slots["provider"].value == ("p-lee", "p-leigh")
    assert track("Dr. Lea").slots["provider"].value == ("p-lee", "p-leigh")


def test_provider_full_name_is_not_ambiguous():
    assert track("Dr. Anna Leigh").slots["provider"].value == "p-leigh"
    assert track("Ana Lee").slots["provider"].value == "p-lee"


@pytest.mark.parametrize("text, specialty", [
    ("I need a dermatologist", "dermatology"),
    ("a skin doctor", "dermatology"),
    ("looking for a dentist", "dentistry"),
    ("a cardiologist", "cardiology"),
    ("my kid needs a pediatrician", "pediatrics"),
    ("a physical therapist", "physical therapy"),
    ("my family doctor", "family medicine"),
    ("a GP", "family medicine"),
])
def test_specialties(text, specialty):
    assert track(text).slots["specialty"].value == specialty


@pytest.mark.parametrize("text", ["checkup", "a physical", "my annual visit", "Check-up"])
def test_visit_type_aliases(text):
    assert track(text).slots["appointment_type"].value == "t-check"


def test_site_and_city():
    assert track("the northside health center").slots["site"].value == "s-north"
    assert track("anything in Shelbyville?").slots["city"].value == "Shelbyville"


OFFER = SystemAct(offered=(
    {"provider": "p-lee", "date": dt.date(2025, 3, 11), "time": dt.time(9, 0)},
    {"provider": "p-patel", "date": dt.date(2025, 3, 12), "time": dt.time(10, 30)},
    {"provider": "p-leigh", "date": dt.date(2025, 3, 14), "time": dt.time(15, 0)},
))


@pytest.mark.parametrize("text, choice", [
    ("the second one", 1),
    ("2", 1),
    ("the first", 0),
    ("the last one", 2),
    ("option 3", 2),
    ("10:30 works", 1),
    ("the Tuesday one", 0),
    ("Dr. Patel's", 1),
    ("the one on Friday", 2),
])
def test_choice_among_offered(text, choice):
    state = track(("I want a checkup", None), (text, OFFER))
    assert state.choice == choice
    assert state.slots["provider"].value == OFFER.offered[choice]["provider"]


def test_choice_is_for_this_turn_only():
    tracker = Tracker(DIRECTORY, NOW)
    assert tracker.update("the second one", OFFER).choice == 1
    assert tracker.update("thanks").choice is None


def test_no_choice_without_offer():
    assert track("the second one").choice is None


@pytest.mark.parametrize("text", [
    "yes", "Y", "yep", "yeah", "sure", "ok", "okay", "sounds good", "that works", "please do",
    "correct", "Yes please", "Sure, go ahead", "perfect",
])
def test_affirm_yes(text):
    assert track(text).affirm is True


@pytest.mark.parametrize("text", ["no", "N", "nope", "no thanks", "not really", "don't", "No, that's wrong", "nah"])
def test_affirm_no(text):
    assert track(text).affirm is False


@pytest.mark.parametrize("text", ["what is the address?", "next Tuesday", "I don't mind"])
def test_affirm_neither(text):
    assert track(text).affirm is None


def test_yes_fills_confirmed_values():
    confirm = SystemAct(confirming={"intent": "book", "provider": "p-patel", "time": dt.time(9)})
    state = track(("I need a GP", None), ("yes please", confirm))
    assert state.intent == "book"
    assert state.slots["provider"].value == "p-patel"
    assert state.slots["time"].value == dt.time(9)


@pytest.mark.parametrize("turns, slot, value", [
    (["Tuesday at 3pm", "actually make it Friday"], "date", dt.date(2025, 3, 7)),
    (["on the 11th", "no, I meant the 12th"], "date", dt.date(2025, 3, 12)),
    (["with Dr. Ana Lee", "not Lee, Patel"], "provider", "p-patel"),
    (["at 3pm", "can we do 4pm instead"], "time", dt.time(16)),
])
def test_corrections(turns, slot, value):
    state = track(*turns)
    assert state.slots[slot].value == value
    assert slot in state.corrected


def test_correction_no_is_also_a_no():
    state = track("on the 11th", "no, I meant the 12th")
    assert state.affirm is False


def test_corrected_only_for_this_turn():
    state = track("Tuesday", "Friday", "thanks")
    assert state.corrected == set()


@pytest.mark.parametrize("text, requested", [
    ("what is the address?", ["address"]),
    ("where are they located?", ["address"]),
    ("what's their phone number and address?", ["phone_number", "address"]),
    ("how are they rated?", ["rating"]),
])
def test_requested_information(text, requested):
    assert sorted(track(text).requested) == sorted(requested)


def test_impossible_date_is_a_problem():
    state = track("Book me for Feb 30")
    assert "date" not in state.slots
    assert "Feb 30" in state.problems["date"]


def test_past_date_is_a_problem_until_fixed():
    tracker = Tracker(DIRECTORY, NOW)
    assert "March 1" in tracker.update("March 1 please").problems["date"]
    state = tracker.update("ok then March 10")
    assert "date" not in state.problems
    assert state.slots["date"].value == dt.date(2025, 3, 10)


def test_open_vocabulary_names():
    state = track("I want to see Dr. Albert Lee in Palo Alto", lexicon=Lexicon())
    assert state.slots["provider"].value == "Dr. Albert Lee"
    assert state.slots["city"].text == "Palo Alto"


def test_accepting_single_offer():
    offer = SystemAct(offered=({"provider": "Albert Lee", "city": "Gilroy"},))
    state = track(("Find a dentist in Gilroy", None), ("That works, book it", offer), lexicon=Lexicon())
    assert state.choice == 0
    assert state.slots["provider"].text == "Albert Lee"


def test_asking_for_others_rejects_offer():
    offer = SystemAct(offered=({"provider": "Albert Lee"},))
    state = track(("I'd like to find someone else", offer), lexicon=Lexicon())
    assert state.choice is None
    assert "provider" not in state.slots
