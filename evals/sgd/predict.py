"""Run the local tracker over SGD dialogues and fill every appointment-service USER frame.

Each dialogue is read on its own, turn by turn, with no look-ahead: a USER turn is predicted from
its utterance and the SYSTEM turn before it. Gold USER annotations in the input are ignored.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
from typing import Iterable, Iterator
from zoneinfo import ZoneInfo

from assistant.engines.local.state import Lexicon
from assistant.engines.local.tracker import Tracker
from evals.sgd import adapter
from evals.sgd.data import APPOINTMENT_SERVICES

log = logging.getLogger(__name__)

# SGD's simulator calendar: system turns confirm dates such as "March 7th" as upcoming, so dates
# are resolved as on the 1st of March 2019, to keep them from being rejected as past.
SGD_NOW = dt.datetime(2019, 3, 1, 9, 0, tzinfo=ZoneInfo("America/Los_Angeles"))


def predict_dialogue(dialogue: dict, schemas: dict[str, dict]) -> dict:
    """Return a copy of `dialogue` whose appointment-service USER frames hold predictions."""
    result = copy.deepcopy(dialogue)
    trackers: dict[str, Tracker] = {}
    previous_system: dict[str, dict] = {}
    standing_offers: dict[str, dict | None] = {}
    for turn in result["turns"]:
        if turn.get("speaker") == "SYSTEM":
            previous_system = {f.get("service"): f for f in turn.get("frames", [])}
            for service, frame in previous_system.items():
                act = adapter.system_act(frame, standing_offers.get(service))
                standing_offers[service] = adapter.offer_of(act)
            continue
        frames = []
        for frame in turn.get("frames", []):
            service = frame.get("service")
            if service not in APPOINTMENT_SERVICES or service not in schemas:
                frames.append(frame)
                continue
            tracker = trackers.setdefault(service, Tracker(Lexicon(), SGD_NOW))
            system = adapter.system_act(previous_system.get(service), standing_offers.get(service))
            state = tracker.update(turn.get("utterance", ""), system)
            frames.append(adapter.user_frame(service, schemas[service], state))
        turn["frames"] = frames
    return result


def predict_all(dialogues: Iterable[dict], schemas: dict[str, dict]) -> Iterator[dict]:
    """Yield the prediction for each dialogue, in input order."""
    for count, dialogue in enumerate(dialogues, 1):
        yield predict_dialogue(dialogue, schemas)
        if count % 500 == 0:
            log.info("predicted %d dialogues", count)
