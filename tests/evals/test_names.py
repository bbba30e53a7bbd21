"""The name-style evaluation runs and every style stays detectable."""

from __future__ import annotations

import argparse
import json

from evals.names import STYLES, run


def test_names_recall_per_style(capsys):
    status = run(argparse.Namespace(json=True))

    recall = json.loads(capsys.readouterr().out)["recall"]
    assert status == 0
    assert set(recall) == set(STYLES)
    for style, value in recall.items():
        assert value >= 0.9, f"{style} names are detected at {value}"
