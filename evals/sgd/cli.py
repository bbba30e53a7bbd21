"""The `sgd` subcommand: `predict` runs the tracker over SGD dialogues, `score` rates predictions."""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

from evals.sgd import metrics
from evals.sgd.data import DEFAULT_DATA, DataError, load_schemas, read_dialogues, write_dialogues
from evals.sgd.predict import predict_all

log = logging.getLogger(__name__)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the `predict` and `score` actions to the `sgd` subcommand's parser."""
    actions = parser.add_subparsers(dest="action", required=True, metavar="{predict,score}")
    predict = actions.add_parser("predict", help="fill appointment-service USER frames with tracker predictions")
    predict.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"input dialogues, JSON lines (default: {DEFAULT_DATA})")
    predict.add_argument("--out", type=Path, required=True, help="where to write the predicted dialogues, JSON lines")
    predict.set_defaults(run=run_predict)
    score = actions.add_parser("score", help="print DSTC8 metrics of predictions against gold dialogues")
    score.add_argument("--data", type=Path, default=DEFAULT_DATA, help="gold dialogues, JSON lines")
    score.add_argument("--pred", type=Path, required=True, help="predicted dialogues, JSON lines")
    score.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    score.set_defaults(run=run_score)


def _schema_dir(data: Path) -> Path:
    return data.parent if (data.parent / "schemas_appointment_services.json").is_file() else DEFAULT_DATA.parent


def run_predict(args: argparse.Namespace) -> int:
    """Write predictions for every dialogue of `--data` to `--out`."""
    started = time.perf_counter()
    schemas = load_schemas(_schema_dir(args.data))
    count = write_dialogues(args.out, predict_all(read_dialogues(args.data), schemas))
    log.info("wrote %d dialogues to %s in %.1f s", count, args.out, time.perf_counter() - started)
    return 0


def run_score(args: argparse.Namespace) -> int:
    """Print the metrics of `--pred` against `--data`, as a table or as JSON."""
    schemas = load_schemas(_schema_dir(args.data))
    gold = list(read_dialogues(args.data))
    try:
        results = metrics.score_dialogues(gold, read_dialogues(args.pred), schemas)
    except metrics.ScoreError as error:
        raise DataError(str(error)) from None
    if args.json:
        print(json.dumps(results, sort_keys=True))
    else:
        print(format_table(results))
    return 0


def format_table(results: dict) -> str:
    """Return the results as an aligned text table, one row per service and one overall."""
    header = f"{'service':<12}{'frames':>8}" + "".join(f"{m.replace('_', ' '):>26}" for m in metrics.METRICS)
    rows = [header]
    for key, values in results.items():
        cells = "".join(f"{values[m]:>26.4f}" for m in metrics.METRICS)
        rows.append(f"{key:<12}{values['frames']:>8}{cells}")
    return "\n".join(rows)
