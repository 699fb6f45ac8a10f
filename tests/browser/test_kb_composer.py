"""The composer's article suggestions in chromium: htmx loads them for the customer's post, and a click inserts
the article's link into the draft at the cursor."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.responses import HTMLResponse
from playwright.sync_api import ConsoleMessage, Page, expect

from heard.app import Runtime
from heard.knowledge.demo_articles import seed_demo_articles
from heard.web.app import create_app
from tests.web.live import LiveServer, live_server

pytestmark = pytest.mark.browser

POST = "@AppleSupport since iOS 11.1 my phone keeps changing the letter I into A and a question mark"
# The smallest composer that wires the suggestions the documented way (docs/knowledge.md).
COMPOSER = f"""<!doctype html><html lang="en"><head><title>composer</title><link rel="icon" href="/static/favicon.svg">
<meta name="htmx-config" content='{{"includeIndicatorStyles": false, "allowEval": false}}'>
<script src="/static/htmx.min.js"></script><script src="/static/kb-suggest.js" defer></script></head>
<body><textarea id="reply-text">Hi, sorry about that! The fix is here:</textarea>
<div class="kb-suggest" data-kb-for="reply-text" hx-get="/kb/suggest?text={quote(POST)}" hx-trigger="load"></div>
</body></html>"""


@pytest.fixture
def composer_server(runtime: Runtime) -> Iterator[LiveServer]:
    app = create_app(runtime)
    app.add_api_route("/kb/test-composer", lambda: HTMLResponse(COMPOSER))
    with live_server(app) as live:
        yield live


def test_a_suggested_article_is_inserted_as_a_link(page: Page, runtime: Runtime, composer_server: LiveServer) -> None:
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    with runtime.sessions.begin() as session:
        seed_demo_articles(session, runtime.clock)
    page.goto(composer_server.url + "/kb/test-composer")
    suggestion = page.locator(".kb-suggestions a").first
    expect(suggestion).to_have_text("Typing “I” shows “A [?]” after updating to iOS 11.1")
    area = page.locator("#reply-text")
    area.evaluate("el => el.setSelectionRange(el.value.length, el.value.length)")
    suggestion.click()
    link = f"{composer_server.url}/kb/articles/ios-11-1-typing-i-shows-a/"
    expect(area).to_have_value(f"Hi, sorry about that! The fix is here: {link} ")
    assert page.url.endswith("/kb/test-composer")  # the click inserted, it did not navigate
    assert errors == []
