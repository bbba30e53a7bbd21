"""Benchmark the guardrail stack per conversation turn on one CPU core.

    .venv/bin/python -m guardrails.bench [--turns 400] [--json]

A turn is ``screen_input`` + ``deidentify`` of a patient message and ``filter_output`` of an
assistant reply. Messages come from ``evals/data/phi_test.jsonl`` and ``benign.jsonl``. The
baseline is a bare Presidio ``AnalyzerEngine.analyze`` with its default recognizers and the
same spaCy model, on the same patient messages.
"""

from __future__ import annotations

import os

# One BLAS thread, set before numpy is imported, so the numbers are for one core.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

DATA_DIR = Path(__file__).resolve().parent.parent / "evals" / "data"
REPLIES = (
    "You're booked with Dr. Ana Lee on Tuesday, Dec 9 at 3:00 PM at Riverside Clinic.",
    "I found three openings at Northgate Family Health: Friday 9:00 AM, 10:30 AM and 2:15 PM. Which one works?",
    "Your appointment on Monday at 8:00 AM has been cancelled. Would you like to book another time?",
    "I've asked our front desk to call you back at the number on file.",
)


def load_messages(limit: int) -> list[str]:
    """Return up to ``limit`` patient messages, PHI and benign interleaved."""
    phi = [json.loads(line)["text"] for line in (DATA_DIR / "phi_test.jsonl").read_text().splitlines()]
    benign = [json.loads(line)["text"] for line in (DATA_DIR / "benign.jsonl").read_text().splitlines()]
    mixed = [text for pair in zip(phi, benign) for text in pair]
    return (mixed * (limit // len(mixed) + 1))[:limit]


def percentiles(samples: list[float]) -> dict[str, float]:
    """Return median and 95th percentile in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"median_ms": round(statistics.median(ordered) * 1000, 2), "p95_ms": round(p95 * 1000, 2)}


def bench_stack(messages: list[str]) -> dict[str, float]:
    from guardrails import PatientContext, PseudonymVault
    from guardrails.pipeline import Guardrails
    from evals.phi import DEFAULT_DIRECTORY, _load_directory
    from guardrails.context import DirectoryContext

    guardrails = Guardrails(DirectoryContext(**_load_directory(DEFAULT_DIRECTORY)))
    patient = PatientContext("pat_bench", "Maria", "Garcia", "1985-03-14", "555-201-7788", "maria.garcia@example.com")
    vault = PseudonymVault()
    for text in messages[:20]:
        guardrails.deidentify(text, patient, vault)
    samples = []
    for index, text in enumerate(messages):
        reply = REPLIES[index % len(REPLIES)]
        started = time.perf_counter()
        verdict = guardrails.screen_input(text, patient)
        if verdict.action == "allow":
            guardrails.deidentify(text, patient, vault)
        guardrails.filter_output(reply, patient, "sms" if index % 2 else "web")
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


def bench_bare_presidio(messages: list[str]) -> dict[str, float]:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    import guardrails  # noqa: F401  (network lookups off before Presidio's email recognizer runs)
    from guardrails.detector import SPACY_MODEL

    configuration = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": SPACY_MODEL}]}
    analyzer = AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=configuration).create_engine())
    for text in messages[:20]:
        analyzer.analyze(text, language="en")
    samples = []
    for text in messages:
        started = time.perf_counter()
        analyzer.analyze(text, language="en")
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m guardrails.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=400, help="number of timed turns (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    import logging

    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    messages = load_messages(args.turns)
    result = {
        "turns": len(messages),
        "guardrail_stack_per_turn": bench_stack(messages),
        "bare_presidio_analyze": bench_bare_presidio(messages),
        "python": platform.python_version(),
        "cpu": platform.processor() or platform.machine(),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        stack, bare = result["guardrail_stack_per_turn"], result["bare_presidio_analyze"]
        print(f"turns={result['turns']} stack median={stack['median_ms']} ms p95={stack['p95_ms']} ms | "
              f"bare presidio median={bare['median_ms']} ms p95={bare['p95_ms']} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
