"""The SMS channel: Twilio webhook, identity checks, consent keywords, reminders and outbox.

Wiring: `install_sms(app, chat_service)` adds the webhook to the assistant's web app, and the CLI
adds `reminders` with `reminders.configure(parser)`, whose action is `reminders.run`.
"""

from assistant.channels.sms.outbox import Outbox, OutboxMessage
from assistant.channels.sms.providers import LocalSinkProvider, SmsProvider, SmsSendError, TwilioProvider
from assistant.channels.sms.service import InboundText, SmsChannel
from assistant.channels.sms.settings import SmsChannelSettings
from assistant.channels.sms.webhook import WEBHOOK_PATH, install_sms

__all__ = [
    "InboundText", "LocalSinkProvider", "Outbox", "OutboxMessage", "SmsChannel", "SmsChannelSettings",
    "SmsProvider", "SmsSendError", "TwilioProvider", "WEBHOOK_PATH", "install_sms",
]
