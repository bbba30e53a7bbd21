"""The local engine's dialogue policy: from the tracked state of a patient turn to the next move.

Rules run in a fixed order, each one a small function that returns a move or None; the first move
wins. That order is the policy: hand-off requests first, then answers to a pending confirmation,
then choices among offered options, then new searches, then the other intents.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from assistant.confirmation import CHANGE_WORDS
from assistant.engines.local.act import Act
from assistant.engines.local.moves import Move, reply, tool_call
from assistant.engines.local.replies import choose_appointment, reschedule_search
from assistant.engines.local.state import DateRange, DialogueState, Lexicon, TimeRange
from prompts.templates import render

SEARCH_SLOTS = ("provider", "specialty", "appointment_type", "site", "city", "date", "time", "time_range", "earliest")
# The scheduling API searches at most 62 days at once.
MAX_SEARCH_DAYS = 62
TIME_WINDOW = dt.timedelta(minutes=60)
MISUNDERSTOOD_LIMIT = 2
CLOSING = re.compile(r"^\W*(thanks?( you)?|thank u|thx|ty|bye|goodbye|that'?s all|nothing else|all set)\b", re.IGNORECASE)


class TurnView:
    """One patient turn as the rules see it: the cumulative state, what is new, and the last act."""

    def __init__(
        self,
        text: str,
        state: DialogueState,
        previous_intent: str | None,
        act: Act,
        lexicon: Lexicon,
        language: str,
        stated_intent: str | None = None,
    ):
        self.text = text
        self.state = state
        self.act = act
        self.lexicon = lexicon
        self.language = language
        # A patient who asks again ("cancel my appointment" twice) starts the task again.
        restated = stated_intent is not None and stated_intent == state.intent
        self.intent_changed = state.intent is not None and (state.intent != previous_intent or restated)
        self.fresh = {name for name, value in state.slots.items() if value.turn == state.turn} | set(state.corrected)

    def fresh_search(self) -> bool:
        return any(name in self.fresh for name in SEARCH_SLOTS)


Rule = Callable[[TurnView], Move | None]


def decide(view: TurnView) -> Move:
    """Return the move for this patient turn; `view.act` is updated to the act it leaves."""
    for rule in RULES:
        move = rule(view)
        if move is not None:
            if move.text is not None and rule is not not_understood:
                move.act.misunderstood = 0
            return move
    raise AssertionError("the last rule, not_understood, always returns a move")


def problems(view: TurnView) -> Move | None:
    if not view.state.problems:
        return None
    message = " ".join(view.state.problems.values())
    return reply(render("problem", view.language, message=message), view.act)


def human(view: TurnView) -> Move | None:
    if view.state.intent == "human" and (view.intent_changed or "human" in view.fresh):
        return tool_call("request_human", {"reason": "patient asked for a person", "priority": "normal"}, view.act)
    return None


def answer_confirmation(view: TurnView) -> Move | None:
    """Act on the patient's answer to a summary; the summary is answered once, yes or not."""
    pending = view.act.confirming
    if not pending:
        return None
    view.act.confirming = None
    wants_change = view.fresh_search() or CHANGE_WORDS.search(view.text)
    if view.state.affirm is True and not wants_change:
        return tool_call(pending["tool"], pending["args"], view.act)
    if view.state.affirm is False and not wants_change:
        view.act.requested = ["other_dates"]
        return reply(render("declined", view.language), view.act)
    return None


def other_dates(view: TurnView) -> Move | None:
    """After "would you like other options?", a yes asks for the day and time that would suit."""
    if "other_dates" not in view.act.requested or view.state.affirm is not True or view.fresh_search():
        return None
    view.act.requested = ["date"]
    return reply(render("ask_other_dates", view.language), view.act)


def choose_option(view: TurnView) -> Move | None:
    act = view.act
    if not act.offered or view.state.choice is None or not 0 <= view.state.choice < len(act.offered):
        return None
    chosen = act.offered[view.state.choice]
    if chosen["kind"] == "appointment":
        act.goal = act.goal or "cancel"
        return choose_appointment(chosen, act, view.language)
    if chosen["kind"] == "provider":
        return tool_call("find_slots", {**search_args(view), "provider": chosen["provider"]}, act)
    if chosen["kind"] == "visit_type":
        return tool_call("find_slots", {**search_args(view), "appointment_type": chosen["appointment_type"]}, act)
    if act.goal == "reschedule" and act.target:
        return tool_call("reschedule_appointment", {"appointment_id": act.target["id"], "slot_id": chosen["id"]}, act)
    return tool_call("book_appointment", {"slot_id": chosen["id"]}, act)


def start_goal(view: TurnView) -> Move | None:
    """Begin a list, cancel or reschedule as soon as the patient asks for one."""
    intent = view.state.intent
    if not view.intent_changed or intent not in ("list", "cancel", "reschedule"):
        return None
    view.act.goal = intent
    view.act.confirming = None
    view.act.target = _target_hint(view, with_date=intent == "cancel") if intent != "list" else None
    # "Move my appointment to Monday morning": the date and time are the new ones.
    view.act.criteria = fresh_search_args(view) if intent == "reschedule" else None
    return tool_call("list_appointments", {}, view.act)


def ambiguous_provider(view: TurnView) -> Move | None:
    provider = view.state.slots.get("provider")
    if provider is None or "provider" not in view.fresh or not isinstance(provider.value, tuple):
        return None
    names = [_provider_name(view.lexicon, item) for item in provider.value]
    view.act.offered = [{"kind": "provider", "id": name, "provider": name} for name in names]
    return reply(render("ambiguous", view.language, candidates=" or ".join(names)), view.act)


def search(view: TurnView) -> Move | None:
    wants_search = view.fresh_search() or (view.intent_changed and view.state.intent in ("find", "book"))
    if not wants_search:
        return None
    act = view.act
    if act.goal == "reschedule" and act.target:
        return tool_call("find_slots", reschedule_search(act.target, fresh_search_args(view)), act)
    if act.goal in ("cancel", "reschedule"):
        act.target = _target_hint(view, with_date=act.goal == "cancel")
        act.criteria = fresh_search_args(view) if act.goal == "reschedule" else None
        return tool_call("list_appointments", {}, act)
    # A new request ("I need a checkup next Tuesday") starts from what it says; another kind of
    # visit is usually with another provider. A correction ("make it Friday") keeps the rest.
    new_kind = {"appointment_type", "specialty"} & view.fresh and "provider" not in view.fresh
    if view.state.stated_intent in ("find", "book") or new_kind:
        act.search_from_turn = view.state.turn
    args = search_args(view, since_turn=act.search_from_turn)
    if not args:
        return reply(render("ask_criteria", view.language), act)
    act.goal = "book"
    return tool_call("find_slots", args, act)


def site_question(view: TurnView) -> Move | None:
    """Reply with a site's address, or with every site's address when none is named."""
    if not ({"address", "phone_number", "hours"} & set(view.state.requested)):
        return None
    sites = _sites_named(view)
    if not sites:
        lines = [render("site_info", view.language, name=site["name"], address=site.get("address", "")) for site in view.lexicon.sites]
        return reply("\n".join(lines) or render("ask_what", view.language), view.act)
    site = sites[0]
    key = "site_hours" if "hours" in view.state.requested else "site_info"
    return reply(render(key, view.language, name=site["name"], address=site.get("address", "")), view.act)


def _sites_named(view: TurnView) -> list[dict]:
    slots = view.state.slots
    if "site" in slots:
        return [site for site in view.lexicon.sites if site["id"] == slots["site"].value]
    if "city" in slots:
        city = slots["city"].text.lower()
        return [site for site in view.lexicon.sites if site.get("city", "").lower() == city]
    return view.lexicon.sites[:1] if len(view.lexicon.sites) == 1 else []


def decline_or_thanks(view: TurnView) -> Move | None:
    if view.state.affirm is False and view.act.offered and view.act.offered[0]["kind"] == "slot":
        view.act.offered = []
        view.act.requested = ["date"]
        return reply(render("declined_options", view.language), view.act)
    if view.state.affirm is False or CLOSING.search(view.text):
        return reply(render("goodbye", view.language), view.act)
    if view.state.affirm is True:
        return reply(render("ask_what", view.language), view.act)
    return None


def greet(view: TurnView) -> Move | None:
    if view.state.turn == 1 and view.state.intent is None and not view.fresh:
        return reply(render("ask_what", view.language), view.act)
    return None


def not_understood(view: TurnView) -> Move:
    view.act.misunderstood += 1
    if view.act.misunderstood >= MISUNDERSTOOD_LIMIT:
        view.act.misunderstood = 0
        return tool_call("request_human", {"reason": "assistant did not understand twice", "priority": "normal"}, view.act)
    return reply(render("not_understood", view.language), view.act)


RULES: tuple[Rule, ...] = (
    problems,
    human,
    answer_confirmation,
    other_dates,
    choose_option,
    start_goal,
    site_question,
    ambiguous_provider,
    search,
    decline_or_thanks,
    greet,
    not_understood,
)


def search_args(view: TurnView, since_turn: int = 0) -> dict:
    """Translate the slots tracked since `since_turn` into find_slots arguments."""
    slots = {name: value for name, value in view.state.slots.items() if value.turn >= since_turn}
    args: dict = {}
    for name in ("provider", "specialty", "appointment_type", "site"):
        if name in slots and not isinstance(slots[name].value, tuple):
            args[name] = _directory_name(view.lexicon, name, slots[name])
    if "site" not in args and "city" in slots:
        args["site"] = slots["city"].text
    args.update(_date_args(slots.get("date")))
    args.update(_time_args(slots.get("time"), slots.get("time_range")))
    return {key: value for key, value in args.items() if value}


def fresh_search_args(view: TurnView) -> dict:
    """Return the find_slots date and time arguments that this turn gave."""
    slots = view.state.slots
    args = {}
    if "date" in view.fresh:
        args.update(_date_args(slots.get("date")))
    if {"time", "time_range"} & view.fresh:
        args.update(_time_args(slots.get("time") if "time" in view.fresh else None, slots.get("time_range")))
    return args


def _date_args(slot) -> dict:
    if slot is None:
        return {}
    if isinstance(slot.value, DateRange):
        end = min(slot.value.end, slot.value.start + dt.timedelta(days=MAX_SEARCH_DAYS - 1))
        return {"date_from": slot.value.start.isoformat(), "date_to": end.isoformat()}
    if isinstance(slot.value, dt.date):
        return {"date_from": slot.value.isoformat(), "date_to": slot.value.isoformat()}
    return {}


def _time_args(time_slot, range_slot) -> dict:
    if time_slot is not None and isinstance(time_slot.value, dt.time):
        anchor = dt.datetime.combine(dt.date(2000, 1, 1), time_slot.value)
        return {"after": _clock(anchor - TIME_WINDOW), "before": _clock(anchor + TIME_WINDOW)}
    if range_slot is not None and isinstance(range_slot.value, TimeRange):
        bounds = {"after": range_slot.value.start, "before": range_slot.value.end}
        return {key: value.strftime("%H:%M") for key, value in bounds.items() if value is not None}
    return {}


def _clock(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M")


def _target_hint(view: TurnView, with_date: bool = True) -> dict:
    """Describe the appointment the patient referred to ("my Friday one") to match in the list."""
    hint: dict = {}
    slots = view.state.slots
    if with_date and "date" in view.fresh and isinstance(slots["date"].value, dt.date):
        hint["date"] = slots["date"].value.isoformat()
    if "provider" in view.fresh and not isinstance(slots["provider"].value, tuple):
        hint["provider"] = _directory_name(view.lexicon, "provider", slots["provider"])
    return hint


def _directory_name(lexicon: Lexicon, name: str, slot) -> str:
    """Return the directory's display name for a matched id, or the patient's words."""
    catalogue = {"provider": lexicon.providers, "site": lexicon.sites, "appointment_type": lexicon.appointment_types}
    for item in catalogue.get(name, []):
        if item["id"] == slot.value:
            return item.get("display_name") or item["name"]
    return slot.value if isinstance(slot.value, str) and name == "specialty" else slot.text


def _provider_name(lexicon: Lexicon, provider_id: object) -> str:
    for item in lexicon.providers:
        if item["id"] == provider_id:
            return item.get("display_name") or item["name"]
    return str(provider_id)
