"""The live "N new" count holds only what the agent's view shows: posts on another network arrive unseen, a post
that matches the filter is counted. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from heard.app import Runtime
from heard.workers.importer import import_rows
from heard.workers.pipeline import PipelineWorker
from tests.browser.conftest import log_in
from tests.browser.test_inbox_live import _post, _sample
from tests.web.live import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def runtime(any_runtime: Runtime) -> Runtime:
    return any_runtime


def test_new_items_count_only_what_the_view_shows(
    page: Page, runtime: Runtime, server: LiveServer, worker: PipelineWorker
) -> None:
    import_rows(runtime, [_post("m-1", "MASTODON-FIRST my order is late", handle="mona")], "replay")
    log_in(page, server, runtime, "agent@example.com")
    page.goto(server.url + "/?network=mastodon")
    expect(page.locator("ol.queue")).to_contain_text("MASTODON-FIRST", timeout=20_000)
    news = page.locator("#queue-news")
    seen: list[str] = []
    page.expose_function("__newsShown", lambda text: seen.append(text))
    page.evaluate(
        """() => new MutationObserver(() => { const b = document.getElementById('queue-news');
             if (!b.hidden) window.__newsShown(b.textContent); })
           .observe(document.getElementById('queue-news'), {attributes: true, childList: true})"""
    )

    twitter = [p for p in _sample()[:150] if p.network == "twitter"]
    assert len(twitter) > 100
    import_rows(runtime, twitter, "replay")  # a hundred and more Twitter conversations: none is in this view
    page.wait_for_timeout(2500)
    assert news.is_hidden(), f"Twitter posts counted in a Mastodon view: {seen}"
    assert seen == []

    import_rows(runtime, [_post("m-2", "MASTODON-SECOND still nothing", handle="milo")], "replay")
    expect(news).to_be_visible(timeout=20_000)
    expect(news).to_have_text("1 new · show (n)")
    page.keyboard.press("n")
    expect(page.locator("ol.queue")).to_contain_text("MASTODON-SECOND")
    expect(page.locator("ol.queue > li")).to_have_count(2)
