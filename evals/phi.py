"""`python -m evals phi`: run the PHI detector over JSON Lines and score it against gold spans.

Input lines are ``{"id", "text"}`` with optional ``"spans": [{"start", "end", "label"}]``. Output
lines are ``{"id", "spans"}`` from the same detector that protects model calls, with the clinic
directory of ``--directory`` and no patient context. Scores are character-level and ignore
labels: a phone number tagged as a member id still counts as protected.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from evals.jsonl import JsonlError, read_rows, write_rows

DEFAULT_DIRECTORY = Path(__file__).resolve().parent / "data" / "directory.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``phi`` options to ``parser``."""
    parser.add_argument("--data", type=Path, required=True, help="input JSON Lines: id, text, optional spans")
    parser.add_argument("--out", type=Path, required=True, help="output JSON Lines: id, predicted spans")
    parser.add_argument("--json", action="store_true", help="print the scores as one JSON object")
    parser.add_argument(
        "--directory", type=Path, default=DEFAULT_DIRECTORY,
        help="clinic directory JSON whose provider, site and city names are not PHI (default: %(default)s)",
    )


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the options and make ``run`` the handler, as ``evals/__main__.py`` expects."""
    add_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Detect, write predictions and print scores; return 0, or 2 for invalid input."""
    from guardrails.context import DirectoryContext
    from guardrails.detector import PhiDetector

    try:
        rows = list(read_rows(args.data))
        directory = _load_directory(args.directory)
    except (JsonlError, OSError, ValueError) as error:
        print(f"phi: error: {error}", file=sys.stderr)
        return 2
    detector = PhiDetector(DirectoryContext(**directory))
    predictions = []
    for row in rows:
        spans = detector.detect(row["text"])
        predictions.append(
            {"id": row["id"], "spans": [{"start": s.start, "end": s.end, "label": s.label} for s in spans]}
        )
    write_rows(args.out, predictions)
    scores = score(rows, predictions)
    if args.json:
        print(json.dumps(scores, indent=2))
    else:
        print(_summary(scores))
    return 0


def _load_directory(path: Path) -> dict:
    raw = json.loads(path.read_text(encoding="utf-8"))
    fields = ("provider_names", "site_names", "cities", "appointment_type_names", "site_addresses")
    return {name: tuple(raw.get(name, ())) for name in fields}


def _characters(spans: list[dict]) -> set[int]:
    covered: set[int] = set()
    for span in spans:
        covered.update(range(int(span["start"]), int(span["end"])))
    return covered


def score(rows: list[dict], predictions: list[dict]) -> dict:
    """Return character recall, precision and F2, per-label recall and the benign flag rate.

    Only rows that carry a ``spans`` field are scored; rows whose gold list is empty count
    as benign, and one predicted span flags such a row.
    """
    true_positive = gold_total = predicted_total = 0
    per_label: dict[str, list[int]] = {}
    benign = flagged = 0
    for row, prediction in zip(rows, predictions):
        if "spans" not in row:
            continue
        gold = _characters(row["spans"])
        predicted = _characters(prediction["spans"])
        true_positive += len(gold & predicted)
        gold_total += len(gold)
        predicted_total += len(predicted)
        for span in row["spans"]:
            chars = _characters([span])
            found, total = per_label.setdefault(span["label"], [0, 0])
            per_label[span["label"]] = [found + len(chars & predicted), total + len(chars)]
        if not row["spans"]:
            benign += 1
            flagged += bool(prediction["spans"])
    recall = true_positive / gold_total if gold_total else None
    precision = true_positive / predicted_total if predicted_total else None
    f2 = None
    if recall is not None and precision is not None and (4 * precision + recall) > 0:
        f2 = 5 * precision * recall / (4 * precision + recall)
    return {
        "rows": len(rows),
        "char_recall": _round(recall),
        "char_precision": _round(precision),
        "char_f2": _round(f2),
        "recall_by_label": {label: _round(found / total) for label, (found, total) in sorted(per_label.items())},
        "benign_rows": benign,
        "benign_flag_rate": _round(flagged / benign) if benign else None,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _summary(scores: dict) -> str:
    return (
        f"rows={scores['rows']} recall={scores['char_recall']} precision={scores['char_precision']} "
        f"f2={scores['char_f2']} benign_flag_rate={scores['benign_flag_rate']}"
    )
