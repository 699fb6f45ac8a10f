"""The workspace in Chromium, on SQLite and PostgreSQL: the composer in view at 1440x900, live news that moves
nothing, keyboard help and undo, the length counter and the refusal beside Send, search highlights, and logout."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from heard.app import Runtime
from heard.clock import SystemClock
from heard.conversations.models import Message
from heard.db.unit import emit
from heard.events import ConversationUpdated
from tests.browser.conftest import log_in
from tests.web.factories import add_conversation
from tests.web.live import LiveServer

pytestmark = pytest.mark.browser
WIDE = {"width": 1440, "height": 900}


@pytest.fixture
def runtime(any_runtime: Runtime) -> Runtime:
    return any_runtime


def _conversations(runtime: Runtime, *texts: str, network: str = "twitter") -> list[int]:
    now = SystemClock().now()
    with runtime.sessions.begin() as session:
        ids = [add_conversation(session, now, f"cust{i}", t, network=network).id for i, t in enumerate(texts)]
        emit(session, *(ConversationUpdated(i) for i in ids))
    return ids


def _in_viewport(page: Page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    assert box is not None
    size = page.viewport_size
    assert size is not None
    return box["y"] >= 0 and box["x"] >= 0 and box["y"] + box["height"] <= size["height"]


def test_composer_in_view_and_live_news_moves_nothing(page: Page, runtime: Runtime, server: LiveServer) -> None:
    page.set_viewport_size(WIDE)
    _conversations(runtime, *(f"problem number {n} " + "long words " * 30 for n in range(12)))
    log_in(page, server, runtime, "ann@example.com")
    expect(page.locator("#composer")).to_be_visible()
    assert _in_viewport(page, "#composer"), "the whole composer is on the first screen"

    page.keyboard.press("j")
    page.keyboard.press("j")
    focused = page.evaluate("document.activeElement.closest('.conversation').dataset.conversationId")
    _conversations(runtime, "a brand new complaint arrives", "and another one")
    expect(page.locator("#queue-news")).to_contain_text("2 new", timeout=15_000)
    assert page.evaluate("document.activeElement.closest('.conversation').dataset.conversationId") == focused
    expect(page.locator("#queue")).not_to_contain_text("a brand new complaint")

    page.keyboard.press("n")
    expect(page.locator("#queue")).to_contain_text("a brand new complaint")
    expect(page.locator("#queue-news")).to_be_hidden()
    assert page.evaluate("document.activeElement.closest('.conversation').dataset.conversationId") == focused


def test_keyboard_help_resolve_and_undo(page: Page, runtime: Runtime, server: LiveServer) -> None:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    _conversations(runtime, "please help with my order")
    log_in(page, server, runtime, "ann@example.com")
    page.keyboard.press("?")
    expect(page.locator("#keys-help")).to_be_visible()
    expect(page.locator("#keys-help")).to_contain_text("undo")
    page.keyboard.press("Escape")
    expect(page.locator("#keys-help")).to_be_hidden()

    page.evaluate("window.__notReloaded = true")
    page.keyboard.press("e")
    expect(page.locator(".conversation-head .status")).to_have_text("resolved")
    expect(page.locator(".undo")).to_contain_text("Resolved")
    page.keyboard.press("z")
    expect(page.locator(".conversation-head .status")).to_have_text("open")
    assert page.evaluate("window.__notReloaded") is True, "undo works in place"

    expect(page.locator("#undo")).to_contain_text("Reopened")
    page.keyboard.press("a")
    expect(page.locator(".conversation-head .assignee")).to_have_text("assigned to ann")
    expect(page.locator("#undo")).to_contain_text("Assigned to ann")
    page.keyboard.press("z")
    expect(page.locator(".conversation-head .assignee")).to_have_text("unassigned")

    expect(page.locator("#undo")).to_contain_text("Unassigned")
    page.keyboard.press("s")
    expect(page.locator(".conversation-head .status")).to_contain_text("snoozed")
    expect(page.locator("#undo")).to_contain_text("Snoozed")
    page.keyboard.press("z")
    expect(page.locator(".conversation-head .status")).to_have_text("open")
    page.wait_for_timeout(1500)  # the live refreshes that follow must not bring the old state back
    expect(page.locator(".conversation-head .status")).to_have_text("open")
    assert errors == []
    assert page.evaluate("window.__notReloaded") is True, "undo works in place"


def test_counter_counts_as_x_does_and_over_limit_is_refused_at_the_composer(
    page: Page, runtime: Runtime, server: LiveServer
) -> None:
    [cid] = _conversations(runtime, "my bag is lost")
    log_in(page, server, runtime, "ann@example.com")
    page.keyboard.press("r")
    box = page.locator("#reply-text")
    box.fill("Hi, see https://example.com/" + "a" * 200 + " for the fix. ^ann")
    # X counts a link as 23 characters, whatever its length
    expect(page.locator("#counter .count")).to_have_text("49 / 280")
    box.fill("x" * 322)
    expect(page.locator("#counter")).to_contain_text("322 / 280")
    expect(page.locator("#counter .over-reason")).to_contain_text("twitter allows 280 characters; this reply has 322")
    box.press("Control+Enter")
    refusal = page.locator("#reply-form .refusal")
    expect(refusal).to_contain_text("Not sent: twitter allows 280 characters")
    expect(refusal).to_be_in_viewport()
    with runtime.sessions() as session:
        sent = session.scalars(select(Message).where(Message.conversation_id == cid, Message.direction == "outgoing"))
        assert list(sent) == []


def test_search_highlights_the_matching_words(page: Page, runtime: Runtime, server: LiveServer) -> None:
    _conversations(runtime, "my card was charged twice", "the app logs me out")
    log_in(page, server, runtime, "ann@example.com")
    page.keyboard.press("/")
    page.keyboard.type("charg")
    page.keyboard.press("Enter")
    expect(page.locator("#queue mark")).to_have_text("charged")
    expect(page.locator("#queue")).not_to_contain_text("logs me out")


def test_after_logout_an_action_says_you_are_logged_out(page: Page, runtime: Runtime, server: LiveServer) -> None:
    _conversations(runtime, "hello there")
    log_in(page, server, runtime, "ann@example.com")
    other = page.context.new_page()
    other.goto(server.url + "/")
    other.get_by_role("button", name="Log out").click()
    page.get_by_label("Private note").fill("a note after logout")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("form.note-form .refusal")).to_contain_text("You are logged out")
    expect(page.get_by_label("Private note")).to_have_value("a note after logout")


def test_at_1024_px_the_context_is_a_drawer_and_a_phone_stacks_the_panes(
    page: Page, runtime: Runtime, server: LiveServer
) -> None:
    _conversations(runtime, *(f"issue {n} with my card " + "details " * 20 for n in range(6)))
    page.set_viewport_size({"width": 1024, "height": 768})
    log_in(page, server, runtime, "ann@example.com")
    expect(page.locator("#composer")).to_be_visible()
    assert _in_viewport(page, "#composer"), "the composer is on the first screen at 1024 px too"
    assert _in_viewport(page, ".queue-pane"), "and the queue beside it"
    drawer = page.locator("#context-pane")
    toggle = page.get_by_role("button", name="Customer and context (c)")
    expect(drawer).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    page.keyboard.press("j")
    page.keyboard.press("c")  # by keyboard: opens over the thread, focus inside
    expect(drawer).to_be_visible()
    expect(drawer.locator(".customer-context")).to_be_in_viewport()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    assert page.evaluate("document.activeElement.className") == "context-close"
    page.keyboard.press("Escape")  # and closes, giving the focus back to the row it was on
    expect(drawer).to_be_hidden()
    assert page.evaluate("!!document.activeElement.closest('.conversation')")

    toggle.click()  # by pointer too
    expect(drawer).to_be_visible()
    page.get_by_role("button", name="Close the context").click()
    expect(drawer).to_be_hidden()

    page.set_viewport_size({"width": 390, "height": 844})  # a phone: one column, nothing wider than the screen
    expect(toggle).to_be_hidden()
    expect(drawer).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    composer = page.locator("#composer").bounding_box()
    assert composer is not None
    assert composer["y"] + composer["height"] <= 844 + 1, "the composer sticks to the bottom of the screen"
    page.keyboard.press("c")
    expect(page.locator(".workspace.context-open")).to_have_count(0)  # no drawer on a phone: c does nothing
