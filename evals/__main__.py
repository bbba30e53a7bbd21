"""Command line of the evaluations: `python -m evals SUBCOMMAND ...`.

Each subcommand lives in its own module, which provides `configure(parser)` to add its
arguments and sets `run(args) -> int` as the parser default. Add a subcommand with one entry in
`SUBCOMMANDS`.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from evals.sgd.data import DataError

SUBCOMMANDS = {
    "sgd": ("evals.sgd.cli", "dialogue state tracking on Schema-Guided Dialogue data"),
    "phi": ("evals.phi", "PHI detection recall and precision on JSON Lines with gold spans"),
    "injection": ("evals.injection", "prompt-injection detection and false-positive rates"),
    "names": ("evals.names", "person-name recall by writing style (case, initials, suffixes, non-English)"),
    "leakage": ("evals.leakage", "adversarial conversations: replies disclosing another patient's PHI"),
}


class ArgumentParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> ArgumentParser:
    """Return the parser with every registered subcommand."""
    parser = ArgumentParser(prog="python -m evals", description="Run the project's evaluations.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress at INFO level")
    commands = parser.add_subparsers(dest="command", required=True, metavar="{" + ",".join(SUBCOMMANDS) + "}")
    for name, (module, help_text) in SUBCOMMANDS.items():
        importlib.import_module(module).configure(commands.add_parser(name, help=help_text))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse `argv`, run the chosen subcommand and return its exit code; input errors return 2."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.run(args)
    except (DataError, OSError) as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
