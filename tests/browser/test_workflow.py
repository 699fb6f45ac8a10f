"""Two agents on the same conversation: what one does over htmx, the other sees live over SSE."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from heard.app import Runtime
from heard.clock import SystemClock
from tests.browser.conftest import log_in
from tests.web.factories import add_conversation
from tests.web.live import LiveServer

pytestmark = pytest.mark.browser


def test_assign_note_and_resolve_show_up_for_a_colleague(
    page: Page, browser: Browser, runtime: Runtime, server: LiveServer
) -> None:
    with runtime.sessions.begin() as session:
        conversation = add_conversation(session, SystemClock().now(), "carla", "my card was charged twice")
    url = f"{server.url}/conversations/{conversation.id}"
    log_in(page, server, runtime, "ann@example.com")
    colleague_context = browser.new_context()
    colleague = colleague_context.new_page()
    try:
        log_in(colleague, server, runtime, "bo@example.com")
        colleague.goto(server.url + "/")
        expect(colleague.locator("ol.queue")).to_contain_text("my card was charged twice")
        page.goto(url)
        page.evaluate("window.__notReloaded = true")

        page.get_by_role("button", name="Take it").click()
        expect(page.locator(".conversation-head .assignee")).to_have_text("assigned to ann")
        expect(colleague.locator("#queue-news")).to_contain_text("1 updated", timeout=15_000)
        colleague.keyboard.press("n")  # the colleague takes the news when they choose
        expect(colleague.locator("ol.queue .assignee")).to_contain_text("ann")

        colleague.goto(url)
        page.get_by_label("Private note").fill("Refund issued, <b>ref 42</b>")
        page.get_by_role("button", name="Add note").click()
        expect(page.locator(".message.note")).to_contain_text("Refund issued, <b>ref 42</b>")
        expect(page.get_by_label("Private note")).to_have_value("")
        expect(colleague.locator(".message.note")).to_contain_text("Refund issued", timeout=15_000)

        page.get_by_role("button", name="Add note").click()  # empty: the browser's `required` stops it
        page.get_by_role("button", name="Resolve").click()
        expect(page.locator(".conversation-head .status")).to_have_text("resolved")
        expect(colleague.locator(".conversation-head .status")).to_have_text("resolved", timeout=15_000)
        assert page.evaluate("window.__notReloaded") is True
    finally:
        colleague_context.close()


def test_a_refused_change_is_explained(page: Page, runtime: Runtime, server: LiveServer) -> None:
    with runtime.sessions.begin() as session:
        conversation = add_conversation(session, SystemClock().now(), "dan", "hello")
    log_in(page, server, runtime, "cy@example.com")
    page.goto(f"{server.url}/conversations/{conversation.id}")
    page.get_by_label("Private note").fill("   ")
    page.get_by_role("button", name="Add note").click()
    refusal = page.locator("form:has(button:text('Add note')) .refusal")
    expect(refusal).to_have_text("A note cannot be empty")  # next to the control the agent used
    expect(refusal).to_be_in_viewport()
