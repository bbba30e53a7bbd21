"""The compliance console page in headless Chromium, after a patient booked by chat.

The officer signs in with password and TOTP (enrolling on first use), finds the conversation,
reads its turns, verifies the log and exports JSON after re-authenticating. The audit log must
record the view and the export afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from assistant.audit.query import AuditFilter, AuditQuery
from scheduling.seed import DEMO_STAFF_PASSWORD
from tests.fixtures.compliance import COMPLIANCE_EMAIL, ComplianceServer

pytestmark = pytest.mark.browser

REAUTH_EXPIRED = dt.timedelta(minutes=6)
SCREENSHOT_DIR = Path("/tmp/compliance-screenshots")


def sign_in(page, server: ComplianceServer) -> None:
    """Sign in through the page, enrolling TOTP from the key the page shows."""
    page.goto(server.base_url + "/compliance")
    page.get_by_label("Email").fill(COMPLIANCE_EMAIL)
    page.get_by_label("Password", exact=True).fill(DEMO_STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.locator("#qr").wait_for(state="visible")
    server.web.totp_secrets[COMPLIANCE_EMAIL] = page.locator("#totp-secret").inner_text()
    page.get_by_label("Authenticator code", exact=True).fill(server.web.totp_code(COMPLIANCE_EMAIL))
    page.get_by_role("button", name="Verify", exact=True).click()
    page.locator("#recovery-codes li").first.wait_for()
    page.get_by_role("button", name="Continue").click()
    page.locator("#console").wait_for(state="visible")


def screenshot(page, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"))


def test_officer_reviews_and_exports_chat(compliance_server: ComplianceServer, browser_page, tmp_path):
    server = compliance_server
    page = browser_page
    conversation_id = server.book_by_chat()

    sign_in(page, server)
    page.get_by_label("Conversation id").fill(conversation_id)
    page.get_by_role("button", name="Search").click()
    page.locator("#results tbody tr").first.wait_for()
    events = page.locator("#results tbody tr td:nth-child(3)").all_inner_texts()

    assert "model_prompt" in events
    assert "tool_call" in events
    assert "reply_delivered" in events

    screenshot(page, "search")
    page.locator("#results tbody tr.reply_delivered button").first.click()
    page.locator("#turns tbody tr").first.wait_for()
    turns = page.locator("#turns tbody tr")
    last_turn = turns.nth(2)

    assert turns.count() == 3
    assert "I need a checkup" in turns.nth(0).locator("td").nth(1).inner_text()
    assert "book_appointment" in last_turn.locator("td").nth(3).inner_text()
    assert "encrypted" in last_turn.locator("td").nth(5).inner_text()

    page.get_by_role("button", name="Show decrypted").click()
    page.locator("#decrypt").wait_for(state="hidden")
    decrypted_reply = page.locator("#turns tbody tr").nth(2).locator("td").nth(5).inner_text()

    assert decrypted_reply.strip()
    assert "encrypted" not in decrypted_reply

    page.get_by_role("button", name="Verify now").click()
    page.locator("#integrity.intact").wait_for()
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.locator("#timeline").screenshot(path=str(SCREENSHOT_DIR / "timeline.png"))

    assert page.locator("#integrity").inner_text() == "Integrity: intact"

    server.clock.offset += REAUTH_EXPIRED
    try:
        page.get_by_role("button", name="Export JSON").click()
        page.locator("#reauth").wait_for(state="visible")
        screenshot(page, "reauthenticate")
        page.get_by_label("Password or authenticator code").fill(DEMO_STAFF_PASSWORD)
        with page.expect_download() as download_info:
            page.get_by_role("button", name="Confirm").click()
        exported = json.loads(Path(download_info.value.path()).read_text())
    finally:
        server.clock.offset -= REAUTH_EXPIRED

    assert isinstance(exported, list)
    assert {row["conversation_id"] for row in exported} == {conversation_id}

    query = AuditQuery(server.audit_log)
    views = query.search(AuditFilter(conversation_id=conversation_id, event_types=("conversation_viewed",)))
    exports = query.search(AuditFilter(event_types=("export",)))

    # The search, the timeline and the decrypted timeline are each a view of the conversation.
    assert [view.actor_role for view in views] == ["compliance"] * 3
    assert views[0].details_dict["view"] == "audit_search"
    assert views[-1].details_dict["decrypted"] is True
    assert [(record.outcome, record.details_dict["format"]) for record in exports] == [
        ("failure", "json"), ("success", "json")]
    assert exports[-1].conversation_id == conversation_id
