"""The local engine's replies to tool results: option lists, confirmations, outcomes, errors."""

from __future__ import annotations

import datetime as dt

from assistant.engines.local.act import Act
from assistant.engines.local.moves import Move, reply, tool_call
from prompts.templates import render

SEARCH_KEYS = ("provider", "site", "appointment_type", "date", "time")


def respond_to_tool(name: str, args: dict, result: dict, act: Act, language: str) -> Move:
    """Return the engine's next move after tool `name` returned `result`."""
    if result.get("status") == "confirmation_required":
        act.confirming = {"tool": name, "args": args, "summary": result["summary"]}
        act.offered = []
        return reply(render("confirm", language, summary=result["summary"]), act)
    if result.get("status") == "error":
        return _error_reply(result, act, language)
    handler = _HANDLERS.get(name)
    return handler(args, result, act, language)


def _found_slots(args: dict, result: dict, act: Act, language: str) -> Move:
    if result.get("status") == "ambiguous":
        act.offered = [{"kind": "provider", "id": name, "provider": name} for name in result["candidates"]]
        candidates = " or ".join(result["candidates"])
        return reply(render("ambiguous", language, candidates=candidates), act)
    if result.get("status") == "choose_visit_type":
        kinds = result["visit_types"]
        act.offered = [{"kind": "visit_type", "id": name, "appointment_type": name} for name in kinds]
        return reply(render("which_visit_type", language, visit_types=_spoken_list(kinds)), act)
    options = result.get("options", [])
    if not options:
        act.offered = []
        act.requested = ["other_dates"]
        return reply(render("no_options", language), act)
    act.offered = [{"kind": "slot", "id": item["slot_id"], **_fields(item)} for item in options]
    if result.get("no_exact_match"):
        intro = render("options_relaxed", language, relaxed=result.get("relaxed") or "other times")
    else:
        intro = render("options_intro", language)
    lines = [intro, *(item["label"] for item in options), render("options_question", language)]
    return reply("\n".join(lines), act)


def _listed(args: dict, result: dict, act: Act, language: str) -> Move:
    appointments = result["appointments"]
    if not appointments:
        act.goal = None
        return reply(render("no_appointments", language), act)
    if act.goal in ("cancel", "reschedule"):
        changeable = [item for item in appointments if not item.get("in_progress")]
        if not changeable:
            act.goal = None
            return reply(render("nothing_changeable", language), act)
        return _pick_appointment(changeable, act, language)
    act.offered = [{"kind": "appointment", "id": item["appointment_id"], **_fields(item)} for item in appointments]
    lines = [render("appointments_intro", language), *(item["label"] for item in appointments)]
    return reply("\n".join(lines), act)


def _pick_appointment(appointments: list[dict], act: Act, language: str) -> Move:
    """Narrow the listed appointments by the patient's request, then act on one or ask which."""
    requested = act.target or {}
    matches = [item for item in appointments if all(item.get(key) == value for key, value in requested.items() if key in SEARCH_KEYS)]
    if len(matches) != 1 and len(appointments) == 1:
        matches = appointments
    if len(matches) == 1:
        return choose_appointment(matches[0], act, language)
    act.offered = [{"kind": "appointment", "id": item["appointment_id"], **_fields(item)} for item in appointments]
    lines = [render("which_appointment", language), *(item["label"] for item in appointments)]
    return reply("\n".join(lines), act)


def reschedule_search(target: dict, criteria: dict | None) -> dict:
    """Return find_slots arguments for the same provider, visit type and site as the appointment moved."""
    args = {
        **(criteria or {}),
        "provider": target.get("provider"),
        "appointment_type": target.get("appointment_type"),
        "site": target.get("site"),
    }
    return {key: value for key, value in args.items() if value}


def choose_appointment(item: dict, act: Act, language: str) -> Move:
    """Act on the appointment the patient picked: cancel it, or ask when to move it to."""
    chosen = {"kind": "appointment", "id": item.get("appointment_id") or item.get("id"), **_fields(item)}
    act.target = chosen
    act.offered = []
    if act.goal == "cancel":
        return tool_call("cancel_appointment", {"appointment_id": chosen["id"]}, act)
    if act.criteria:
        criteria, act.criteria = act.criteria, None
        return tool_call("find_slots", reschedule_search(chosen, criteria), act)
    when = _spoken_when(chosen)
    act.requested = ["date"]
    return reply(render("reschedule_when", language, when=when), act)


def _spoken_list(items: list[str]) -> str:
    """Join names as "A, B or C"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def _spoken_when(item: dict) -> str:
    """Format an option's ISO date and HH:MM time as "Tue Dec 8, 8:30 AM"."""
    if not item.get("date") or not item.get("time"):
        return ""
    moment = dt.datetime.combine(dt.date.fromisoformat(item["date"]), dt.time.fromisoformat(item["time"]))
    return f"{moment:%a %b} {moment.day}, {moment:%I:%M %p}".replace(", 0", ", ")


def _booked(args: dict, result: dict, act: Act, language: str) -> Move:
    _finish(act)
    return reply(render("booked", language, booked=result["booked"]), act)


def _cancelled(args: dict, result: dict, act: Act, language: str) -> Move:
    _finish(act)
    return reply(render("cancelled", language, cancelled=result["cancelled"]), act)


def _rescheduled(args: dict, result: dict, act: Act, language: str) -> Move:
    _finish(act)
    return reply(render("rescheduled", language, rescheduled_to=result["rescheduled_to"]), act)


def _handed_off(args: dict, result: dict, act: Act, language: str) -> Move:
    _finish(act)
    not_understood = args.get("reason", "").startswith("assistant did not understand")
    return reply(render("handoff_not_understood" if not_understood else "handoff", language), act)


def _finish(act: Act) -> None:
    act.goal = None
    act.target = None
    act.offered = []
    act.confirming = None
    act.requested = []


def _error_reply(result: dict, act: Act, language: str) -> Move:
    code = result.get("code", "")
    act.confirming = None
    if code in ("slot_taken", "slot_unavailable"):
        return reply(render("slot_taken", language), act)
    if code.startswith("unknown_"):
        known = ", ".join(result.get("known", []))
        what = code.removeprefix("unknown_").replace("_", " ")
        return reply(render("unknown_name", language, what=what, value=result.get("value", ""), known=known), act)
    return reply(render("tool_error", language, message=result.get("message", "please try again")), act)


def _fields(item: dict) -> dict:
    return {key: item[key] for key in SEARCH_KEYS if item.get(key)}


_HANDLERS = {
    "find_slots": _found_slots,
    "list_appointments": _listed,
    "book_appointment": _booked,
    "cancel_appointment": _cancelled,
    "reschedule_appointment": _rescheduled,
    "request_human": _handed_off,
}
