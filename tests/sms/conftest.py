"""SMS fixtures: the scheduling API with the channel secret, and the channel behind a webhook.

`sms` is a harness that texts the channel as Twilio would (signed form posts) and reads what
the channel sent from its outbox. After every test, `texts_are_minimal` checks every text that
any harness or the fake Twilio server saw: no visit type, specialty, sensitive clinical term
or another patient's identifiers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.agent import ChatService
from assistant.channels.sms import LocalSinkProvider, Outbox, SmsChannel, SmsChannelSettings, install_sms
from assistant.channels.sms.dedup import MemorySeenMessages
from assistant.channels.sms.state import SmsSessionStore
from assistant.config import AssistantSettings
from assistant.store import MemoryStore
from guardrails.sensitive_terms import PHRASE_RE, TERM_RE
from scheduling.seed import APPOINTMENT_TYPES, PATIENTS, PROVIDERS
from scheduling.sessions.store import MemoryStore as KeyValueMemoryStore
from tests.fixtures.services import SchedulingServer, start_scheduling_server
from tests.sms.fake_twilio import FakeTwilio

CHANNEL_SECRET = "sms-channel-test-secret-at-least-32-characters"
AUTH_TOKEN = "twilio-test-auth-token-0123456789"
ACCOUNT_SID = "AC" + "0" * 31 + "1"
PUBLIC_URL = "https://clinic.example.com"
PORTAL_URL = "https://portal.example.com/"
WEBHOOK_URL = PUBLIC_URL + "/sms/twilio/inbound"
CLINIC_NUMBER = "+13035550100"

# Seeded numbers (synthetic 555-01xx): Jordan, the Ejemplo family (Maria and Sofia), Casey, Riley.
JORDAN = "+14085550101"
EJEMPLO_FAMILY = "+13035550102"
CASEY = "+16175550103"
RILEY = "+14085550104"
UNKNOWN = "+13035550199"

_outboxes: list[Outbox] = []
_fakes: list[FakeTwilio] = []


def twilio_signature(url: str, params: dict[str, str], token: str = AUTH_TOKEN) -> str:
    """Sign as Twilio does: HMAC-SHA1 over the URL and the sorted name-value pairs, base64."""
    data = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def message_sid() -> str:
    return "SM" + uuid.uuid4().hex


@dataclass
class SmsHarness:
    """The webhook app, its channel and the scheduling server behind it."""

    client: TestClient
    channel: SmsChannel
    server: SchedulingServer
    read: dict[str, int] = field(default_factory=dict)

    def post(self, params: dict[str, str], signature: str | None = "auto",
             url: str = WEBHOOK_URL, headers: dict | None = None):
        """POST a form to the webhook, signed for `url` unless `signature` is given or None."""
        extra = dict(headers or {})
        if signature == "auto":
            extra["X-Twilio-Signature"] = twilio_signature(url, params)
        elif signature is not None:
            extra["X-Twilio-Signature"] = signature
        extra["Content-Type"] = "application/x-www-form-urlencoded"
        return self.client.post("/sms/twilio/inbound", content=urlencode(params), headers=extra)

    def inbound(self, sender: str, body: str, sid: str | None = None) -> dict[str, str]:
        return {"MessageSid": sid or message_sid(), "SmsSid": sid or "", "AccountSid": ACCOUNT_SID,
                "From": sender, "To": CLINIC_NUMBER, "Body": body, "NumMedia": "0",
                "NumSegments": "1", "ApiVersion": "2010-04-01"}

    def text(self, sender: str, body: str) -> list[str]:
        """Text the channel and return the texts it sent back to `sender` since the last read."""
        response = self.post(self.inbound(sender, body))
        assert response.status_code == 200, response.text
        return self.replies(sender)

    def replies(self, phone: str) -> list[str]:
        bodies = [message.body for message in self.channel.outbox.messages(phone)]
        start = self.read.get(phone, 0)
        self.read[phone] = len(bodies)
        return bodies[start:]


@pytest.fixture
def sms_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SchedulingServer]:
    """Seeded scheduling API on SQLite that accepts CHANNEL_SECRET on /v1/sms."""
    monkeypatch.setenv("SMS_CHANNEL_SECRET", CHANNEL_SECRET)
    with start_scheduling_server(f"sqlite:///{tmp_path / 'sms.sqlite3'}", tmp_path / "data") as server:
        yield server


def channel_settings(tmp_path: Path, **overrides) -> SmsChannelSettings:
    values = {"SMS_PUBLIC_URL": PUBLIC_URL, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
              "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "SMS_CHANNEL_SECRET": CHANNEL_SECRET,
              "CLINIC_DATA_DIR": tmp_path / "assistant", "PORTAL_URL": PORTAL_URL,
              "CLINIC_PHONE": "(303) 555-0100", **overrides}
    return SmsChannelSettings(**values)


@pytest.fixture
def sms(sms_server: SchedulingServer, tmp_path: Path) -> Iterator[SmsHarness]:
    """The SMS webhook on the local engine, with a local sink and in-memory stores."""
    settings = AssistantSettings(ENGINE="local", CLINIC_DATA_DIR=tmp_path / "assistant")
    service = ChatService(settings, MemoryStore(600), sms_server.base_url)
    app = FastAPI()
    outbox = Outbox()
    _outboxes.append(outbox)
    channel = install_sms(app, service, settings=channel_settings(tmp_path), provider=LocalSinkProvider(),
                          outbox=outbox, seen=MemorySeenMessages(600),
                          sessions=SmsSessionStore(KeyValueMemoryStore(), 3600))
    with TestClient(app) as client:
        yield SmsHarness(client, channel, sms_server)


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio(ACCOUNT_SID, AUTH_TOKEN).start()
    _fakes.append(fake)
    yield fake
    fake.stop()


def _forbidden_patterns() -> dict[str, re.Pattern]:
    words = [name for name, _minutes, _aliases in APPOINTMENT_TYPES]
    words += sorted({specialty for _n, _d, specialty, *_rest in PROVIDERS})
    patterns = {word: re.compile(rf"\b{re.escape(word)}\b", re.I) for word in words}
    for first, last, born, phone, email, _channel, _language in PATIENTS:
        digits = re.sub(r"\D", "", phone)
        for value in (first, last, email, phone, digits, born.isoformat(), f"{born:%m/%d/%Y}"):
            patterns[value] = re.compile(rf"(?<!\w){re.escape(value)}(?!\w)")
    return patterns


@pytest.fixture(autouse=True)
def texts_are_minimal() -> Iterator[None]:
    """Check every text the test sent: minimum necessary, and no patient's identifiers."""
    _outboxes.clear()
    _fakes.clear()
    yield
    bodies = [message.body for outbox in _outboxes for message in outbox.messages()]
    bodies += [body for fake in _fakes for body in fake.bodies()]
    patterns = _forbidden_patterns()
    for body in bodies:
        assert not TERM_RE.search(body), f"clinical term in an SMS: {body!r}"
        assert not PHRASE_RE.search(body), f"clinical phrase in an SMS: {body!r}"
        found = [value for value, pattern in patterns.items() if pattern.search(body)]
        assert found == [], f"SMS names {found}: {body!r}"
