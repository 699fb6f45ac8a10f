"""Two agents in two browser contexts, on SQLite and PostgreSQL: one types a reply and the other sees it at the
composer; a second public reply minutes after the first is refused, saying who answered and what, until the
agent confirms it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from heard.app import Runtime
from heard.clock import SystemClock
from heard.conversations.models import Message
from tests.browser.conftest import log_in
from tests.web.factories import add_conversation
from tests.web.live import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def runtime(any_runtime: Runtime) -> Runtime:
    return any_runtime


def _replies(runtime: Runtime, conversation_id: int) -> list[str]:
    with runtime.sessions() as session:
        query = select(Message.text).where(Message.conversation_id == conversation_id, Message.direction == "outgoing")
        return list(session.scalars(query.order_by(Message.id)))


def test_typing_warning_and_double_reply_refusal(
    page: Page, browser: Browser, runtime: Runtime, server: LiveServer
) -> None:
    with runtime.sessions.begin() as session:
        cid = add_conversation(session, SystemClock().now(), "erin", "my order never came").id
    log_in(page, server, runtime, "ann@example.com")
    bo_context = browser.new_context()
    bo = bo_context.new_page()
    try:
        log_in(bo, server, runtime, "bo@example.com")
        expect(page.locator("#composer #presence")).to_contain_text("bo is viewing this", timeout=15_000)

        bo.keyboard.press("r")
        bo.locator("#reply-text").press_sequentially("Hi Erin, so sorry about your order", delay=40)
        expect(page.locator("#composer #presence .collision.typing")).to_contain_text(
            "bo is typing here", timeout=15_000
        )

        bo.locator("#reply-text").press("Control+Enter")
        expect(bo.locator("#outbox .delivery")).to_have_count(1)

        page.keyboard.press("r")
        page.locator("#reply-text").fill("Hi Erin, we are looking into it. ^ann")
        page.locator("#reply-text").press("Control+Enter")
        refusal = page.locator("#reply-form .refusal")
        expect(refusal).to_contain_text("bo answered this")
        expect(refusal).to_contain_text("Hi Erin, so sorry about your order")
        assert _replies(runtime, cid) == ["Hi Erin, so sorry about your order"], "nothing more went out"

        refusal.get_by_role("button", name="Send anyway").click()
        expect(page.locator("#outbox .delivery")).to_have_count(2)
        assert _replies(runtime, cid)[-1] == "Hi Erin, we are looking into it. ^ann"
        expect(page.locator("#outbox .delivery").first).to_contain_text("by ann")
    finally:
        bo_context.close()
