"""Command line: `python -m assistant serve | chat | seed-demo`."""

from __future__ import annotations

import argparse
import json
import logging
import sys

from pydantic import ValidationError

from assistant.config import AssistantSettings
from assistant.conversation import ChatError
from assistant.store import StoreError

logger = logging.getLogger("assistant")


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )


def cmd_serve(args: argparse.Namespace, settings: AssistantSettings) -> int:
    import uvicorn

    from assistant.runtime import build_runtime
    from assistant.web.app import SCHEDULING_PREFIX, create_web_app
    from scheduling.app import create_app

    runtime = build_runtime(settings)
    runtime.seed_if_empty()
    host, port = args.host or settings.host, args.port if args.port is not None else settings.port
    api_url = settings.scheduling_api_url or f"http://{_loopback(host)}:{port}{SCHEDULING_PREFIX}"
    service = runtime.chat_service(api_url)
    app = create_web_app(service, create_app(runtime.scheduling))
    _install_sms_if_configured(app, service)
    print(f"serving the chat page at http://{host}:{port}/, API docs at /docs and {SCHEDULING_PREFIX}/docs", file=sys.stderr)
    uvicorn.run(app, host=host, port=port, log_level="info")
    return 0


def _install_sms_if_configured(app, service) -> None:
    """Add the Twilio webhook when SMS_CHANNEL_SECRET is set; SMS is off otherwise."""
    from assistant.channels.sms import SmsChannelSettings, install_sms

    sms_settings = SmsChannelSettings()
    if sms_settings.channel_secret is None:
        logger.info("SMS_CHANNEL_SECRET is unset, so the SMS channel is off")
        return
    install_sms(app, service, settings=sms_settings)
    logger.info("the SMS channel is on")


def cmd_chat(args: argparse.Namespace, settings: AssistantSettings) -> int:
    from assistant.runtime import build_runtime
    from assistant.server_thread import BackgroundServer
    from scheduling.app import create_app

    if args.engine:
        settings = settings.model_copy(update={"engine": args.engine})
    runtime = build_runtime(settings)
    runtime.seed_if_empty()
    server = None
    api_url = settings.scheduling_api_url
    if not api_url:
        server = BackgroundServer(create_app(runtime.scheduling))
        api_url = server.start()
    try:
        return _chat_loop(args, runtime, runtime.chat_service(api_url))
    finally:
        if server:
            server.stop()


def _chat_loop(args: argparse.Namespace, runtime, service) -> int:
    try:
        conversation = service.start(runtime.patient_token(args.patient_id), channel="cli")
    except LookupError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    status = 0
    for line in sys.stdin:
        text = line.rstrip("\n")
        if not text.strip():
            continue
        try:
            result = service.handle(conversation.id, runtime.patient_token(args.patient_id), text).to_json()
        except (ChatError, StoreError) as exc:
            result = {"reply": f"error: {exc}", "tool_calls": [], "handoff": False}
            status = 1
        if args.json:
            print(json.dumps(result), flush=True)
        else:
            print(f"> {text}\n{result['reply']}\n", flush=True)
    return status


def cmd_seed_demo(args: argparse.Namespace, settings: AssistantSettings) -> int:
    from assistant.runtime import build_runtime

    patients = build_runtime(settings).seed()
    if args.json:
        print(json.dumps({"patients": patients}))
    else:
        for patient in patients:
            print(f"{patient['id']}\t{patient['name']}\t{patient['email']}\t{patient['date_of_birth']}")
    return 0


def _loopback(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="Clinic scheduling assistant")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at INFO level to standard error")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the chat page, the chat API and the scheduling API")
    serve.add_argument("--host", help="address to listen on (default: HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="TCP port (default: PORT or 8000)")
    serve.set_defaults(run=cmd_serve)

    chat = commands.add_parser("chat", help="chat in the terminal, one patient message per input line")
    chat.add_argument("--patient-id", type=int, required=True, help="id of the patient (see seed-demo --json)")
    chat.add_argument("--engine", choices=["local", "openai"], help="engine to use (default: ENGINE or local)")
    chat.add_argument("--json", action="store_true", help="print one JSON object per assistant turn")
    chat.set_defaults(run=cmd_chat)

    from assistant.audit import cli as audit_cli

    audit = commands.add_parser("audit", help="check the audit log: verify the hash chain and signed checkpoints")
    audit_cli.configure(audit)
    retention = commands.add_parser("retention", help="apply the retention policy: delete or crypto-shred expired data")
    audit_cli.configure_retention(retention)

    from assistant.channels.sms import reminders

    reminders.configure(commands.add_parser("reminders", help="send due appointment reminders by SMS"))

    seed = commands.add_parser("seed-demo", help="create the synthetic demo clinic if it is missing")
    seed.add_argument("--json", action="store_true", help="print the demo patients as JSON")
    seed.set_defaults(run=cmd_seed_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _configure_logging(args.verbose)
    try:
        settings = AssistantSettings()
        return args.run(args, settings)
    except ValidationError as exc:
        first = exc.errors()[0]
        print(f"error: invalid setting {first['loc'][0]}: {first['msg']}", file=sys.stderr)
        return 2
    except (StoreError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
