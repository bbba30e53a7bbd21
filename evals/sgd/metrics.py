"""DSTC8 dialogue state tracking metrics, computed per USER frame of the appointment services.

Definitions (Rastogi et al. 2020, as used in DSTC8 track 4):

- active intent accuracy: the predicted `active_intent` equals the gold one;
- requested slots F1: F1 of the predicted against the gold `requested_slots` set, 1.0 when both
  are empty;
- slot accuracy, for each slot of the service schema: a slot in the gold state scores, for a
  categorical slot, 1 when the first predicted value is one of the gold values and otherwise 0;
  for a non-categorical slot, the highest token-sort fuzzy ratio (0..1) between the first
  predicted value and the gold values. A slot missing from the prediction scores 0. A slot absent
  from the gold state scores 1 when it is absent from the prediction too, and otherwise 0;
- average goal accuracy: the mean slot accuracy over the slots in the gold state (frames with an
  empty gold state are left out);
- joint goal accuracy: the product of the slot accuracies over all slots of the schema.

Each metric is averaged over frames, per service and over all appointment-service frames.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Iterable

from rapidfuzz import fuzz, utils

METRICS = ("active_intent_accuracy", "requested_slots_f1", "average_goal_accuracy", "joint_goal_accuracy")


class ScoreError(Exception):
    """Gold and predicted files that cannot be paired turn by turn."""


def fuzzy_ratio(gold: str, predicted: str) -> float:
    """Return the token-sort ratio (0..1) after lower-casing and dropping punctuation, rounded to
    whole percent as the DSTC8 scorer's fuzzywuzzy did."""
    return round(fuzz.token_sort_ratio(gold, predicted, processor=utils.default_process)) / 100


def requested_f1(gold: Iterable[str], predicted: Iterable[str]) -> float:
    """Return the F1 of two requested-slot sets; two empty sets score 1.0."""
    gold_set, predicted_set = set(gold), set(predicted)
    if not gold_set and not predicted_set:
        return 1.0
    hits = len(gold_set & predicted_set)
    if hits == 0:
        return 0.0
    precision, recall = hits / len(predicted_set), hits / len(gold_set)
    return 2 * precision * recall / (precision + recall)


def slot_accuracy(gold: list[str] | None, predicted: list[str] | None, categorical: bool) -> float:
    """Score one slot as described in the module docstring."""
    if not gold:
        return 0.0 if predicted else 1.0
    if not predicted:
        return 0.0
    if categorical:
        return 1.0 if predicted[0] in gold else 0.0
    return max(fuzzy_ratio(value, predicted[0]) for value in gold)


def score_frame(gold: dict, predicted: dict, schema: dict) -> dict[str, float]:
    """Return the four metrics of one USER frame; average goal accuracy is NaN for an empty gold state."""
    gold_values, predicted_values = gold.get("slot_values", {}), predicted.get("slot_values", {})
    accuracies, active = [], []
    for slot in schema["slots"]:
        name = slot["name"]
        accuracy = slot_accuracy(gold_values.get(name), predicted_values.get(name), slot["is_categorical"])
        accuracies.append(accuracy)
        if gold_values.get(name):
            active.append(accuracy)
    return {
        "active_intent_accuracy": float(gold.get("active_intent") == predicted.get("active_intent")),
        "requested_slots_f1": requested_f1(gold.get("requested_slots", []), predicted.get("requested_slots", [])),
        "average_goal_accuracy": sum(active) / len(active) if active else math.nan,
        "joint_goal_accuracy": math.prod(accuracies),
    }


def _frames_by_service(turn: dict) -> dict[str, dict]:
    return {frame.get("service"): frame for frame in turn.get("frames", [])}


def score_dialogues(gold: Iterable[dict], predicted: Iterable[dict], schemas: dict[str, dict]) -> dict:
    """Pair gold and predicted dialogues by id and turn, and return per-service and overall means.

    The result maps "overall" and each service name to the metrics and a `frames` count. A gold
    appointment frame without a predicted frame of the same service scores as an empty prediction.
    """
    by_id = {d.get("dialogue_id"): d for d in predicted}
    collected: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for dialogue in gold:
        prediction = by_id.get(dialogue.get("dialogue_id"))
        if prediction is None:
            raise ScoreError(f"dialogue {dialogue.get('dialogue_id')} is missing from the predictions")
        if len(prediction["turns"]) != len(dialogue["turns"]):
            raise ScoreError(f"dialogue {dialogue.get('dialogue_id')} has a different number of turns in the predictions")
        for gold_turn, predicted_turn in zip(dialogue["turns"], prediction["turns"]):
            if gold_turn.get("speaker") != "USER":
                continue
            predicted_frames = _frames_by_service(predicted_turn)
            for service, frame in _frames_by_service(gold_turn).items():
                if service not in schemas:
                    continue
                scores = score_frame(frame, predicted_frames.get(service, {}), schemas[service])
                for key in (service, "overall"):
                    for metric, value in scores.items():
                        collected[key][metric].append(value)
    return {key: _means(values) for key, values in sorted(collected.items())}


def _means(values: dict[str, list[float]]) -> dict[str, float]:
    result: dict[str, float] = {"frames": len(values["joint_goal_accuracy"])}
    for metric in METRICS:
        present = [v for v in values[metric] if not math.isnan(v)]
        result[metric] = sum(present) / len(present) if present else math.nan
    return result
