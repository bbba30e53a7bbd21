"""The `names` evaluation: PHI recall on person names, by how the name is written.

Each style (lower case, ALL CAPS, middle initial, suffix, hyphen, apostrophe, non-English,
plain) puts the same invented names into the same sentence frames, so the per-style recall shows
which spellings the detector misses. The detector runs with the clinic directory of the dev sets
and no patient context, as `evals phi` does. All names are invented combinations.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

GIVEN = ["Marisol", "Tobias", "Ingrid", "Desmond", "Priyanka", "Caleb", "Noor", "Fiona", "Rashid", "Helena"]
FAMILY = ["Quintero", "Abernathy", "Lindqvist", "Okafor", "Vasquez", "Thornbury", "Haddad", "Kowalczyk", "Brennan", "Mbeki"]
NON_ENGLISH = [
    "Nguyễn Thị Lan", "Oluwaseun Adeyemi", "Zbigniew Wójcik", "Siobhán Ní Bhriain", "Xiaoming Zhou",
    "José Luis García", "Aigerim Nurlanovna", "Björn Ångström", "Tenzin Dorje", "Farida Al-Masri",
]
FRAMES = [
    "hi this is {name}, can i book a checkup next week",
    "I'm calling for {name} about the appointment on Friday",
    "{name} needs to reschedule to Monday morning",
    "please cancel the visit for {name}",
    "can {name} see Dr. Ana Lee tomorrow?",
]

STYLES: dict[str, Callable[[int], str]] = {
    "plain": lambda i: f"{GIVEN[i]} {FAMILY[i]}",
    "lower case": lambda i: f"{GIVEN[i]} {FAMILY[i]}".lower(),
    "ALL CAPS": lambda i: f"{GIVEN[i]} {FAMILY[i]}".upper(),
    "middle initial": lambda i: f"{GIVEN[i]} {chr(ord('A') + i)}. {FAMILY[i]}",
    "suffix": lambda i: f"{GIVEN[i]} {FAMILY[i]} {['Jr.', 'Sr.', 'III', 'II'][i % 4]}",
    "hyphen": lambda i: f"{GIVEN[i]} {FAMILY[i]}-{FAMILY[(i + 3) % 10]}",
    "apostrophe": lambda i: f"{GIVEN[i]} {['O', 'D', 'N'][i % 3]}'{FAMILY[i]}",
    "non-English": lambda i: NON_ENGLISH[i],
}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print character recall of person names per writing style."""
    from evals.phi import DEFAULT_DIRECTORY, _load_directory
    from guardrails import DirectoryContext
    from guardrails.detector import PhiDetector

    detector = PhiDetector(DirectoryContext(**_load_directory(DEFAULT_DIRECTORY)))
    results = {style: _recall(detector, make) for style, make in STYLES.items()}
    if args.json:
        print(json.dumps({"recall": results, "names_per_style": len(GIVEN), "frames": len(FRAMES)}))
    else:
        for style, recall in results.items():
            print(f"{style:15} {recall:.3f}")
    return 0


def _recall(detector, make: Callable[[int], str]) -> float:
    """Return the share of name characters that some detected span covers."""
    covered = total = 0
    for index in range(len(GIVEN)):
        name = make(index)
        for frame in FRAMES:
            text = frame.format(name=name)
            start = text.index(name)
            hits = set()
            for span in detector.detect(text):
                hits.update(range(max(span.start, start), min(span.end, start + len(name))))
            covered += len(hits)
            total += len(name)
    return round(covered / total, 3)
