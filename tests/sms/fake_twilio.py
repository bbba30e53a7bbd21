"""A fake of Twilio's Messages API on 127.0.0.1, speaking its wire format.

It accepts `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` with HTTP basic auth and a
form body, and answers 201 with a Message resource, or Twilio's error JSON
(`{"code", "message", "more_info", "status"}`): 401/20003 for bad credentials, 404/20404 for
another path, 400/21604 without To, 400/21602 without Body, 400/21603 without From or
MessagingServiceSid, 400/21211 for a To that is not E.164.
"""

from __future__ import annotations

import base64
import email.utils
import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

E164_RE = re.compile(r"^\+[1-9]\d{7,14}$")


@dataclass
class ReceivedRequest:
    """One request as the fake received it."""

    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, list[str]]


@dataclass
class FakeTwilio:
    """The running fake: its base URL, credentials and every request it received."""

    account_sid: str
    auth_token: str
    base_url: str = ""
    requests: list[ReceivedRequest] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    def bodies(self) -> list[str]:
        """Return the Body of every accepted message."""
        return [request.form["Body"][0] for request in self.requests if "Body" in request.form]

    def start(self) -> FakeTwilio:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length).decode("utf-8")
                form = parse_qs(raw, keep_blank_values=True)
                fake.requests.append(ReceivedRequest("POST", self.path, dict(self.headers), form))
                status, body = fake.respond(self.path, self.headers.get("Authorization", ""),
                                            self.headers.get("Content-Type", ""), form)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def respond(self, path: str, authorization: str, content_type: str,
                form: dict[str, list[str]]) -> tuple[int, dict]:
        expected_path = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        expected_auth = "Basic " + base64.b64encode(
            f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if authorization != expected_auth:
            return _error(401, 20003, "Authenticate")
        if path != expected_path:
            return _error(404, 20404, f"The requested resource {path} was not found")
        if not content_type.startswith("application/x-www-form-urlencoded"):
            return _error(400, 21602, "Message body is required.")
        values = {name: items[0] for name, items in form.items()}
        if not values.get("To"):
            return _error(400, 21604, "A 'To' phone number is required.")
        if not values.get("Body"):
            return _error(400, 21602, "Message body is required.")
        if not values.get("From") and not values.get("MessagingServiceSid"):
            return _error(400, 21603, "The 'From' phone number is required.")
        if not E164_RE.match(values["To"]):
            return _error(400, 21211, f"Invalid 'To' Phone Number: {values['To']}")
        sid = "SM" + uuid.uuid4().hex
        now = email.utils.formatdate(usegmt=True)
        return 201, {
            "account_sid": self.account_sid, "api_version": "2010-04-01", "body": values["Body"],
            "date_created": now, "date_sent": None, "date_updated": now, "direction": "outbound-api",
            "error_code": None, "error_message": None, "from": values.get("From"),
            "messaging_service_sid": values.get("MessagingServiceSid"), "num_media": "0",
            "num_segments": "1", "price": None, "price_unit": "USD", "sid": sid, "status": "queued",
            "subresource_uris": {"media": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}/Media.json"},
            "to": values["To"], "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        }


def _error(status: int, code: int, message: str) -> tuple[int, dict]:
    return status, {"code": code, "message": message,
                    "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status}
