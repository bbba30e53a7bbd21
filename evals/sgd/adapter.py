"""Mapping between SGD service frames and the local tracker's SystemAct and DialogueState.

SGD names slots per service (`dentist_name`, `doctor_name`, ...); the tracker uses one name per
kind of value (`provider`). Values go to SGD as the text they came from, as SGD states keep
surface forms.
"""

from __future__ import annotations

from assistant.engines.local.nlu.specialties import SPECIALTIES
from assistant.engines.local.state import DialogueState, SystemAct

PROVIDER_SLOTS = {
    "Services_1": "stylist_name", "Services_2": "dentist_name",
    "Services_3": "doctor_name", "Services_4": "therapist_name",
}
TO_TRACKER = {
    "city": "city", "appointment_date": "date", "appointment_time": "time", "type": "specialty",
    "is_unisex": "unisex", "offers_cosmetic_services": "cosmetic",
    **{name: "provider" for name in PROVIDER_SLOTS.values()},
}
REQUEST_NAMES = {
    "address": ("street_address", "address"), "phone_number": ("phone_number",),
    "rating": ("average_rating",), "unisex": ("is_unisex",), "cosmetic": ("offers_cosmetic_services",),
    "city": ("city",),
}
INTENTS = {"find": "FindProvider", "book": "BookAppointment", "reschedule": "BookAppointment"}
PRACTITIONERS = {s.name: s.practitioner for s in SPECIALTIES}


BOOKING_ACTS = {"CONFIRM", "NOTIFY_SUCCESS", "NOTIFY_FAILURE"}
BOOKING_SLOTS = {"appointment_date", "appointment_time"}


def system_act(frame: dict | None, standing_offer: dict | None = None) -> SystemAct:
    """Build the tracker's SystemAct from a SYSTEM frame's actions (OFFER, REQUEST, CONFIRM,
    OFFER_INTENT, NOTIFY_*); slots the tracker does not track are left out.

    `standing_offer` is the last option offered in an earlier turn: while the system answers
    questions about it without offering another, it stays the option on the table.
    """
    if not frame:
        return SystemAct(offered=(standing_offer,) if standing_offer else ())
    offered: dict[str, object] = {}
    requested: list[str] = []
    confirming: dict[str, object] = {}
    for action in frame.get("actions", []):
        act, slot, values = action.get("act"), action.get("slot", ""), action.get("values") or []
        ours = TO_TRACKER.get(slot)
        if act == "OFFER" and ours and values:
            offered[ours] = values[0]
        elif act == "REQUEST" and ours:
            requested.append(ours)
        elif act == "CONFIRM" and ours and values:
            confirming[ours] = values[0]
        elif act == "OFFER_INTENT" and values:
            confirming["intent"] = "book" if values[0] == "BookAppointment" else "find"
    if not offered and standing_offer:
        offered = standing_offer
    return SystemAct(
        offered=(offered,) if offered else (),
        requested=tuple(requested),
        confirming=confirming or None,
        intent=_task(frame.get("actions", [])),
    )


def _task(actions: list[dict]) -> str | None:
    """Return "book" when the system is booking (confirming, reporting a booking, asking for or
    offering a date or time), "find" when it offers providers or requests search criteria."""
    if any(a.get("act") in BOOKING_ACTS or a.get("slot") in BOOKING_SLOTS for a in actions):
        return "book"
    if any(a.get("act") == "OFFER" or a.get("act") == "INFORM_COUNT" for a in actions):
        return "find"
    if any(a.get("act") == "REQUEST" and a.get("slot") in ("city", "type") for a in actions):
        return "find"
    return None


def offer_of(act: SystemAct) -> dict | None:
    """Return the option a SystemAct offers, when it offers exactly one."""
    return act.offered[0] if len(act.offered) == 1 else None


def user_frame(service: str, schema: dict, state: DialogueState) -> dict:
    """Return the predicted SGD USER frame of `service` for the tracker's state."""
    slot_names = {s["name"] for s in schema["slots"]}
    values: dict[str, list[str]] = {}
    for sgd_name in sorted(slot_names):
        text = _slot_text(service, sgd_name, state, schema)
        if text:
            values[sgd_name] = [text]
    requested = sorted({
        name for ours in state.requested for name in REQUEST_NAMES.get(ours, ()) if name in slot_names
    })
    return {
        "service": service,
        "active_intent": INTENTS.get(state.intent or "", "NONE"),
        "requested_slots": requested,
        "slot_values": values,
    }


def _slot_text(service: str, sgd_name: str, state: DialogueState, schema: dict) -> str | None:
    ours = TO_TRACKER.get(sgd_name)
    if ours is None or (ours == "provider" and PROVIDER_SLOTS[service] != sgd_name):
        return None
    slot = state.slots.get(ours)
    if slot is None:
        return None
    if ours in ("unisex", "cosmetic"):
        return "True" if slot.value else "False"
    if ours == "specialty":
        return _categorical(schema, sgd_name, PRACTITIONERS.get(str(slot.value), str(slot.value)))
    return slot.text


def _categorical(schema: dict, sgd_name: str, value: str) -> str | None:
    for slot in schema["slots"]:
        if slot["name"] == sgd_name:
            return value if value in slot.get("possible_values", [value]) else None
    return None
