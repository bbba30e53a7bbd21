"""Command line of the audit log: `audit verify` and `audit retention run`, and `retention run`.

`assistant/__main__.py` adds the subcommands with `configure` and `configure_retention`; each
action is stored as `args.run(args, settings)` like the other commands and returns the exit code.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from assistant.audit.settings import AuditSettings

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_TAMPERED = 1
EXIT_ERROR = 2


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the `verify` and `retention run` actions to the `audit` subcommand's parser."""
    actions = parser.add_subparsers(dest="audit_command", required=True)
    verify = actions.add_parser("verify", help="check the hash chain and signed checkpoints of the audit log")
    verify.add_argument("--json", action="store_true", help="print the report as one JSON object")
    verify.add_argument("--public-key", type=Path, action="append", default=[],
                        help="PEM file of another trusted checkpoint key (repeatable)")
    verify.add_argument("--workers", type=int, default=None,
                        help="processes that scan in parallel (default: one per CPU for large logs)")
    verify.add_argument("--expected-seq", type=int, help="last seq known from outside the database")
    verify.add_argument("--expected-hash", help="record_hash of --expected-seq, known from outside the database")
    verify.set_defaults(run=run_verify)

    retention = actions.add_parser("retention", help="apply the retention policy")
    configure_retention(retention)


def configure_retention(parser: argparse.ArgumentParser) -> None:
    """Add the `run` action to a `retention` subcommand's parser."""
    actions = parser.add_subparsers(dest="retention_command", required=True)
    run = actions.add_parser("run", help="delete or crypto-shred what has passed its retention period")
    run.add_argument("--json", action="store_true", help="print the counts as one JSON object")
    run.add_argument("--dry-run", action="store_true", help="count what would expire without changing anything")
    run.set_defaults(run=run_retention)


def run_verify(args: argparse.Namespace, _settings: object = None) -> int:
    """Verify the audit log; exit 0 when intact, 1 when tampering was found, 2 on errors."""
    from assistant.audit.database import make_audit_engine
    from assistant.audit.factory import trusted_keys
    from assistant.audit.verify import verify_log

    if (args.expected_seq is None) != (args.expected_hash is None):
        print("error: --expected-seq and --expected-hash must be given together", file=sys.stderr)
        return EXIT_ERROR
    settings = AuditSettings()
    engine = make_audit_engine(settings.resolved_database_url())
    try:
        trusted = trusted_keys(settings, args.public_key)
        expected = (args.expected_seq, args.expected_hash) if args.expected_seq is not None else None
        report = verify_log(engine, trusted, workers=args.workers, expected_head=expected)
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(report.to_dict()))
    elif report.ok:
        print(f"audit log intact: {report.records_checked} records, {report.checkpoints_checked} signed "
              f"checkpoints, head seq {report.last_seq} ({report.duration_seconds} s)")
    else:
        problem = report.problem
        print(f"audit log TAMPERED: {problem.kind} at seq {problem.seq}: {problem.message}")
    return EXIT_OK if report.ok else EXIT_TAMPERED


def run_retention(args: argparse.Namespace, _settings: object = None) -> int:
    """Apply the retention policy and record the evidence; exit 0 on success, 2 on errors."""
    from assistant.audit.factory import open_audit_log
    from assistant.audit.retention import RetentionPolicy, run_retention_policy

    settings = AuditSettings()
    log = open_audit_log(settings)
    try:
        result = run_retention_policy(log, RetentionPolicy.from_settings(settings), dry_run=args.dry_run)
    finally:
        log.engine.dispose()
    if args.json:
        print(json.dumps(result.to_dict()))
    else:
        for data_class, count in sorted(result.counts.items()):
            print(f"{data_class}: {count} {'would expire' if args.dry_run else 'expired'}")
    return EXIT_OK
