"""The reminder job: `python -m assistant reminders run [--now ISO] [--json]`.

Each run claims the reminders due now from the scheduling API (72 and 24 hours before each
booked visit of an opted-in SMS patient), texts them in the patient's language with "Reply C to
confirm, R to reschedule, X to cancel", and reports each outcome. The API hands out each
(appointment, window) once, so running the job every few minutes never sends a reminder twice.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from dataclasses import dataclass

from assistant.channels.sms.api import SmsApi
from assistant.channels.sms.providers import SmsSendError
from assistant.channels.sms.sender import SmsSender, format_when
from assistant.channels.sms.settings import SmsChannelSettings
from prompts.templates import render

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReminderRun:
    """Counts of one run."""

    sent: int
    failed: int

    def to_json(self) -> dict:
        return {"sent": self.sent, "failed": self.failed}


def send_due_reminders(api: SmsApi, sender: SmsSender, settings: SmsChannelSettings,
                       now: dt.datetime | None = None) -> ReminderRun:
    """Claim, send and report every reminder due at `now` (None: the API's clock)."""
    sent = failed = 0
    for reminder in api.claim_reminders(now):
        language = reminder["language"]
        text = render("sms_reminder", language, clinic_name=settings.clinic_name,
                      when=format_when(reminder["start"], reminder["time_zone"], language),
                      site=reminder["site_name"], portal_url=settings.portal_url)
        try:
            messages = sender.send(reminder["phone"], text, "reminder", language)
        except SmsSendError as exc:
            failed += 1
            logger.warning("Reminder %s failed: %s", reminder["reminder_id"], exc.code)
            api.report_reminder(reminder["reminder_id"], False, None)
            continue
        sent += 1
        api.report_reminder(reminder["reminder_id"], True, messages[0].provider_message_id)
    logger.info("Reminder run finished: %s sent, %s failed", sent, failed)
    return ReminderRun(sent, failed)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the `run` action to a `reminders` subcommand's parser."""
    actions = parser.add_subparsers(dest="reminders_command", required=True)
    run_parser = actions.add_parser("run", help="text the reminders due now (72 h and 24 h before visits)")
    run_parser.add_argument("--now", type=_aware_time,
                            help="act as if it were this ISO 8601 time with offset (default: now)")
    run_parser.add_argument("--json", action="store_true", help="print the counts as one JSON object")
    run_parser.set_defaults(run=run)


def run(args: argparse.Namespace, settings) -> int:
    """Run the job against SCHEDULING_API_URL, or an in-process API.

    Exits 0 when every due reminder was sent, 1 when some failed (they are retried on a later
    run), and 2 when SMS_CHANNEL_SECRET is missing.
    """
    from assistant.channels.sms.outbox import Outbox
    from assistant.channels.sms.providers import build_provider
    from assistant.runtime import build_runtime
    from assistant.server_thread import BackgroundServer
    from scheduling.app import create_app

    sms = SmsChannelSettings()
    if sms.channel_secret is None:
        print("error: set SMS_CHANNEL_SECRET (at least 32 characters) to send reminders", file=sys.stderr)
        return 2
    runtime = build_runtime(settings)
    server = None
    api_url = settings.scheduling_api_url
    if not api_url:
        server = BackgroundServer(create_app(runtime.scheduling))
        api_url = server.start()
    provider = build_provider(sms)
    outbox = Outbox(sms.resolved_outbox_file() if provider.name == "local" else None)
    api = SmsApi(api_url, sms.channel_secret.get_secret_value())
    try:
        result = send_due_reminders(api, SmsSender(provider, outbox, sms.portal_url, sms.max_segments),
                                    sms, args.now)
    finally:
        api.close()
        if server:
            server.stop()
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        print(f"reminders sent: {result.sent}, failed: {result.failed}")
    return 0 if result.failed == 0 else 1


def _aware_time(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--now {text!r} is not ISO 8601, e.g. 2026-12-08T09:00:00Z") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"--now {text!r} needs a UTC offset, e.g. 2026-12-08T09:00:00Z")
    return moment
