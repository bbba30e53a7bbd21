"""Command line: `python -m assistant.openai_compat [--port 8081] [--directory-file FILE | --scheduling-api-url URL]`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
from pathlib import Path

TOKEN_ENV = "SCHEDULING_API_TOKEN"

logger = logging.getLogger("assistant.openai_compat")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m assistant.openai_compat",
        description="Serve the local engine over the OpenAI chat-completions protocol.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8081, help="TCP port to listen on (default 8081)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--directory-file", type=Path,
                        help="JSON file in the shape of the scheduling API's GET /v1/directory response")
    source.add_argument("--scheduling-api-url",
                        help=f"scheduling API base URL to read GET /v1/directory from, with the patient token in ${TOKEN_ENV}")
    parser.add_argument("--language", default="en", help="language of the reply templates in prompts/patient/ (default en); a missing one falls back to English")
    parser.add_argument("--now", type=dt.datetime.fromisoformat,
                        help="fixed aware ISO time to read relative dates from, such as 2030-01-07T09:00-08:00 "
                             "(default: the current time)")
    return parser.parse_args(argv)


def load_directory(args: argparse.Namespace) -> dict:
    """Return the clinic directory named on the command line, or an empty one."""
    if args.directory_file:
        return json.loads(args.directory_file.read_text(encoding="utf-8"))
    if args.scheduling_api_url:
        from tools.client import SchedulingClient

        token = os.environ.get(TOKEN_ENV)
        if not token:
            raise SystemExit(f"--scheduling-api-url needs a patient bearer token in ${TOKEN_ENV}")
        with SchedulingClient(args.scheduling_api_url, token) as client:
            return client.directory()
    return {}


def main(argv: list[str] | None = None) -> int:
    import uvicorn

    from assistant.agent import lexicon_of
    from assistant.openai_compat.app import COMPAT_MODEL, CompatConfig, create_compat_app

    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s", stream=sys.stderr)
    if args.now is not None and args.now.tzinfo is None:
        raise SystemExit(f"--now {args.now.isoformat()} has no UTC offset; add one, such as -08:00")
    directory = load_directory(args)
    fixed_now = args.now
    config = CompatConfig(
        lexicon=lexicon_of(directory),
        now=(lambda: fixed_now) if fixed_now is not None else None,
        language=args.language,
    )
    logger.info(
        "serving model %s at http://%s:%s/v1 with %d providers in the directory",
        COMPAT_MODEL, args.host, args.port, len(config.lexicon.providers),
    )
    uvicorn.run(create_compat_app(config), host=args.host, port=args.port, log_level="info")
    return 0


if __name__ == "__main__":
    sys.exit(main())
