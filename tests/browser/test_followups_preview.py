"""Publishing an article that answers an incident, in Chromium on SQLite and PostgreSQL: the editor sees everyone it
would reach with their personal message, drops one, edits one, and nothing is sent before the confirmation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from heard.app import Runtime
from heard.conversations.models import Message
from heard.knowledge.drafting import draft_from_incident
from tests.browser.conftest import log_in
from tests.knowledge.factories import add_incident
from tests.web.live import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def runtime(any_runtime: Runtime) -> Runtime:
    return any_runtime


def _outgoing(runtime: Runtime) -> list[str]:
    with runtime.sessions() as session:
        return list(session.scalars(select(Message.text).where(Message.direction == "outgoing").order_by(Message.id)))


def test_preview_drop_edit_and_send_only_on_confirmation(page: Page, runtime: Runtime, server: LiveServer) -> None:
    with runtime.sessions.begin() as session:
        incident = add_incident(session, runtime.clock)
        slug = draft_from_incident(session, runtime.clock, incident.id).slug
    before = _outgoing(runtime)
    log_in(page, server, runtime, "ed@example.com", role="editor")
    page.goto(f"{server.url}/articles/{slug}")
    page.get_by_role("button", name="Publish").click()

    expect(page.locator("h1")).to_contain_text("Follow up on")
    rows = page.locator(".followup")
    expect(rows).to_have_count(3)
    expect(rows.first.locator("textarea")).to_contain_text("Hi @ana")
    expect(page.locator(".followups")).not_to_contain_text("The fix is out")  # the incident is only identified
    assert _outgoing(runtime) == before, "nothing sent before the confirmation"

    rows.nth(1).get_by_role("checkbox").uncheck()
    rows.nth(2).locator("textarea").fill("Hi @chloe, a workaround while we fix it is in the article. ^ed")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".facts, .notice, body").first).to_be_visible()
    sent = _outgoing(runtime)[len(before) :]
    assert len(sent) == 2
    assert "Hi @chloe, a workaround while we fix it is in the article. ^ed" in sent
    assert not any("@ben" in text for text in sent), "the dropped person got nothing"
