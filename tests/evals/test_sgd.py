"""SGD evaluation: the scorer on hand-made gold files, and predict+score on a slice of real data."""

import json
import math
from itertools import islice
from pathlib import Path

import pytest

from evals.__main__ import main
from evals.sgd.data import DEFAULT_DATA, FALLBACK_SCHEMAS
from evals.sgd.metrics import fuzzy_ratio, requested_f1, score_dialogues, slot_accuracy


def dialogue(user_frames, dialogue_id="d1"):
    turns = []
    for frame in user_frames:
        turns.append({"speaker": "USER", "utterance": "", "frames": [frame]})
        turns.append({"speaker": "SYSTEM", "utterance": "", "frames": []})
    return {"dialogue_id": dialogue_id, "turns": turns}


def frame(intent="FindProvider", requested=(), **values):
    return {"service": "Services_2", "active_intent": intent, "requested_slots": list(requested),
            "slot_values": {k: v if isinstance(v, list) else [v] for k, v in values.items()}}


GOLD = [dialogue([
    frame(city="San Jose"),
    frame(requested=["phone_number"], city="San Jose"),
    frame("BookAppointment", city="San Jose", dentist_name="Amazing Smile Dental",
          appointment_date=["March 7th", "next Thursday"]),
])]


def overall(predicted):
    return score_dialogues(GOLD, predicted, FALLBACK_SCHEMAS)["overall"]


def test_perfect_prediction_scores_one():
    result = overall(GOLD)
    assert result["frames"] == 3
    for metric in ("active_intent_accuracy", "requested_slots_f1", "average_goal_accuracy", "joint_goal_accuracy"):
        assert result[metric] == 1.0


def test_one_wrong_slot_known_scores():
    predicted = json.loads(json.dumps(GOLD))
    predicted[0]["turns"][4]["frames"][0]["slot_values"]["dentist_name"] = ["Bright Teeth"]
    result = overall(predicted)
    accuracy = fuzzy_ratio("Amazing Smile Dental", "Bright Teeth")
    assert 0 < accuracy < 0.5
    assert result["joint_goal_accuracy"] == pytest.approx((1 + 1 + accuracy) / 3)
    assert result["average_goal_accuracy"] == pytest.approx((1 + 1 + (2 + accuracy) / 3) / 3)
    assert result["active_intent_accuracy"] == 1.0


def test_extra_slot_and_wrong_intent():
    predicted = json.loads(json.dumps(GOLD))
    first = predicted[0]["turns"][0]["frames"][0]
    first["slot_values"]["appointment_time"] = ["4 pm"]
    first["active_intent"] = "NONE"
    first["requested_slots"] = ["address"]
    result = overall(predicted)
    assert result["joint_goal_accuracy"] == pytest.approx(2 / 3)
    assert result["average_goal_accuracy"] == 1.0
    assert result["active_intent_accuracy"] == pytest.approx(2 / 3)
    assert result["requested_slots_f1"] == pytest.approx(2 / 3)


def test_any_gold_alternative_matches():
    predicted = json.loads(json.dumps(GOLD))
    predicted[0]["turns"][4]["frames"][0]["slot_values"]["appointment_date"] = ["next thursday"]
    assert overall(predicted)["joint_goal_accuracy"] == 1.0


def test_missing_dialogue_is_an_error(tmp_path):
    gold, pred = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    gold.write_text(json.dumps(GOLD[0]) + "\n")
    pred.write_text(json.dumps({**GOLD[0], "dialogue_id": "other"}) + "\n")
    assert main(["sgd", "score", "--data", str(gold), "--pred", str(pred)]) == 2


def test_metric_helpers():
    assert requested_f1([], []) == 1.0
    assert requested_f1(["a"], []) == 0.0
    assert requested_f1(["a", "b"], ["a"]) == pytest.approx(2 / 3)
    assert slot_accuracy(None, None, False) == 1.0
    assert slot_accuracy(None, ["x"], False) == 0.0
    assert slot_accuracy(["True"], ["False"], True) == 0.0
    assert slot_accuracy(["San Jose"], ["san jose"], False) == 1.0
    assert fuzzy_ratio("Dr. Lee", "dr lee") == 1.0


def test_missing_file_exits_2(tmp_path, capsys):
    code = main(["sgd", "predict", "--data", str(tmp_path / "absent.jsonl"), "--out", str(tmp_path / "o.jsonl")])
    assert code == 2
    assert "data file not found" in capsys.readouterr().err


def test_bad_arguments_exit_2(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["sgd", "score"])
    assert stop.value.code == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0
    assert "--pred" in error


def test_invalid_json_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    assert main(["sgd", "predict", "--data", str(bad), "--out", str(tmp_path / "o.jsonl")]) == 2
    assert "invalid JSON" in capsys.readouterr().err


needs_data = pytest.mark.skipif(not DEFAULT_DATA.is_file(), reason=f"SGD data not found at {DEFAULT_DATA}")


def stripped(record):
    """Return a copy whose USER frames keep only the service name, as a blind input."""
    copy = json.loads(json.dumps(record))
    for turn in copy["turns"]:
        if turn["speaker"] == "USER":
            turn["frames"] = [{"service": f["service"]} for f in turn["frames"]]
    return copy


@needs_data
def test_predict_and_score_slice(tmp_path: Path, capsys):
    with DEFAULT_DATA.open() as lines:
        records = [json.loads(line) for line in islice(lines, 40)]
    gold, blind, pred = tmp_path / "gold.jsonl", tmp_path / "blind.jsonl", tmp_path / "pred.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in records))
    blind.write_text("".join(json.dumps(stripped(r)) + "\n" for r in records))

    assert main(["sgd", "predict", "--data", str(blind), "--out", str(pred)]) == 0
    predictions = [json.loads(line) for line in pred.read_text().splitlines()]
    assert [p["dialogue_id"] for p in predictions] == [r["dialogue_id"] for r in records]
    for prediction in predictions:
        for turn in prediction["turns"]:
            for user_frame in turn["frames"] if turn["speaker"] == "USER" else []:
                if user_frame["service"] in FALLBACK_SCHEMAS:
                    assert user_frame["active_intent"] in ("FindProvider", "BookAppointment", "NONE")
                    assert isinstance(user_frame["requested_slots"], list)
                    assert all(isinstance(v, list) and all(isinstance(s, str) for s in v)
                               for v in user_frame["slot_values"].values())

    capsys.readouterr()
    assert main(["sgd", "score", "--data", str(gold), "--pred", str(pred), "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert results["overall"]["frames"] > 100
    for values in results.values():
        for metric in ("active_intent_accuracy", "requested_slots_f1", "average_goal_accuracy", "joint_goal_accuracy"):
            assert math.isnan(values[metric]) or 0.0 <= values[metric] <= 1.0
    assert results["overall"]["joint_goal_accuracy"] > 0.5
