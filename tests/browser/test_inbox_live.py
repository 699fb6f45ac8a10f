"""Open the inbox, open a conversation, and watch posts arrive while a replay runs."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from heard.app import Runtime
from heard.connectors.replay.connector import in_time_order
from heard.connectors.replay.formats import read_file
from heard.posts import RawPost
from heard.workers.importer import import_rows
from heard.workers.pipeline import PipelineWorker
from tests.browser.conftest import SAMPLE
from tests.browser.workspace import take_news_until
from tests.web.live import LiveServer

pytestmark = pytest.mark.browser


def _sample() -> list[RawPost]:
    return [r for r in in_time_order(read_file(SAMPLE, "twcs", channel="twcs")) if isinstance(r, RawPost)]


def _post(external_id: str, text: str, in_reply_to: str | None = None, handle: str = "livecustomer") -> RawPost:
    return RawPost(
        network="mastodon",
        external_id=external_id,
        author_id=handle,
        author_handle=handle,
        text=text,
        created_at=datetime.now(UTC),
        in_reply_to=in_reply_to,
        is_brand=handle == "BrandHelp",
    )


def test_inbox_shows_conversations_and_new_posts_arrive_live(
    agent_page: Page, runtime: Runtime, server: LiveServer, worker: PipelineWorker
) -> None:
    errors: list[str] = []
    agent_page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    posts = _sample()
    import_rows(runtime, posts[:200], "sample")
    agent_page.goto(server.url + "/")
    rows = agent_page.locator("ol.queue > li")
    expect(rows.first).to_be_visible(timeout=20_000)
    first_words = rows.first.locator(".words").inner_text()
    rows.first.locator("a").click()
    expect(agent_page.locator(".message.incoming").first).to_contain_text(first_words[:40])

    # While the rest of the sample replays, a Mastodon post arrives; the filtered inbox shows it in place.
    agent_page.goto(server.url + "/?network=mastodon")
    expect(agent_page.locator("#queue .empty")).to_be_visible()
    agent_page.evaluate("window.__notReloaded = true")
    live = [*posts[200:1200], _post("live-1", "@BrandHelp LIVE-ONE hello"), *posts[1200:]]
    replay = threading.Thread(target=import_rows, args=(runtime, live, "replay"))
    replay.start()
    # The queue does not move under the agent: the news is counted ("N new") until the agent takes it (n).
    take_news_until(agent_page, "LIVE-ONE hello", timeout_s=90)
    expect(agent_page.locator("ol.queue")).to_contain_text("LIVE-ONE hello")
    assert agent_page.evaluate("window.__notReloaded") is True
    replay.join(60)

    agent_page.locator("ol.queue > li", has_text="LIVE-ONE hello").locator("a").click()
    expect(agent_page.locator("h1")).to_contain_text("@livecustomer")
    agent_page.evaluate("window.__notReloaded = true")

    # The brand answers and the customer writes back: both appear in the open conversation, in place.
    import_rows(runtime, [_post("live-2", "BRAND-REPLY sorry!", "live-1", handle="BrandHelp")], "replay")
    expect(agent_page.locator(".message.outgoing")).to_contain_text("BRAND-REPLY sorry!", timeout=20_000)
    import_rows(runtime, [_post("live-3", "CUSTOMER-AGAIN thanks", "live-2")], "replay")
    expect(agent_page.locator(".message.incoming").last).to_contain_text("CUSTOMER-AGAIN thanks", timeout=20_000)
    expect(agent_page.locator(".wait")).to_contain_text("waiting")
    assert agent_page.evaluate("window.__notReloaded") is True
    assert errors == [], errors  # includes Content-Security-Policy violations
