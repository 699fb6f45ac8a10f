"""Two agents open the same conversation: each sees the other there, and sees when the other is typing.
SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from heard.app import Runtime
from heard.clock import SystemClock
from tests.browser.conftest import log_in
from tests.web.factories import add_conversation
from tests.web.live import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def runtime(any_runtime: Runtime) -> Runtime:
    return any_runtime


def test_collision_warnings(page: Page, browser: Browser, runtime: Runtime, server: LiveServer) -> None:
    with runtime.sessions.begin() as session:
        conversation = add_conversation(session, SystemClock().now(), "erin", "two agents, one customer")
    url = f"{server.url}/conversations/{conversation.id}"
    log_in(page, server, runtime, "ann@example.com")
    other_context = browser.new_context()
    bo = other_context.new_page()
    try:
        log_in(bo, server, runtime, "bo@example.com")
        page.goto(url)
        bo.goto(url)
        expect(page.locator("#presence")).to_contain_text("bo is viewing this", timeout=15_000)
        expect(bo.locator("#presence")).to_contain_text("ann is viewing this", timeout=15_000)

        bo.get_by_label("Private note").press_sequentially("I'll take this one", delay=30)
        expect(page.locator("#presence .collision.typing")).to_contain_text("bo is typing here", timeout=15_000)
        expect(page.locator("#presence")).to_contain_text("you may both reply")
        expect(page.locator("#presence")).not_to_contain_text("typing", timeout=20_000)  # stopped typing

        bo.goto(server.url + "/channels")  # leaves the conversation (the inbox would open it: it is the top one)
        expect(page.locator("#presence")).not_to_contain_text("bo", timeout=15_000)
    finally:
        other_context.close()
