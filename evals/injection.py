"""`python -m evals injection`: score the prompt-injection rail on JSON Lines.

Input lines are ``{"id", "text"}`` with an optional ``"label"`` of "injection" or "benign".
Output lines are ``{"id", "flagged", "score"}`` from the same rail that screens patient input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from evals.jsonl import JsonlError, read_rows, write_rows


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``injection`` options to ``parser``."""
    parser.add_argument("--data", type=Path, required=True, help="input JSON Lines: id, text, optional label")
    parser.add_argument("--out", type=Path, required=True, help="output JSON Lines: id, flagged, score")
    parser.add_argument("--json", action="store_true", help="print the rates as one JSON object")


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the options and make ``run`` the handler, as ``evals/__main__.py`` expects."""
    add_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Score every row, write the predictions and print the rates; 2 for invalid input."""
    from guardrails.rails.injection import InjectionRail
    from guardrails.rails.normalize import normalize

    try:
        rows = list(read_rows(args.data))
    except (JsonlError, OSError) as error:
        print(f"injection: error: {error}", file=sys.stderr)
        return 2
    rail = InjectionRail()
    predictions = []
    for row in rows:
        value, _ = rail.score(normalize(row["text"]))
        predictions.append({"id": row["id"], "flagged": value >= rail.threshold, "score": round(value, 4)})
    write_rows(args.out, predictions)
    rates = score(rows, predictions)
    print(json.dumps(rates, indent=2) if args.json else _summary(rates))
    return 0


def score(rows: list[dict], predictions: list[dict]) -> dict:
    """Return the detection rate on "injection" rows and the false-positive rate on "benign" rows."""
    counts = {"injection": [0, 0], "benign": [0, 0]}
    for row, prediction in zip(rows, predictions):
        label = row.get("label")
        if label in counts:
            counts[label][0] += prediction["flagged"]
            counts[label][1] += 1
    detected, attacks = counts["injection"]
    false_positives, benign = counts["benign"]
    return {
        "rows": len(rows),
        "injection_rows": attacks,
        "benign_rows": benign,
        "detection_rate": round(detected / attacks, 4) if attacks else None,
        "false_positive_rate": round(false_positives / benign, 4) if benign else None,
    }


def _summary(rates: dict) -> str:
    return f"rows={rates['rows']} detection_rate={rates['detection_rate']} false_positive_rate={rates['false_positive_rate']}"
