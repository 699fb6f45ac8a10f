"""A post full of markup is shown as text by a real browser, and nothing in it runs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Dialog, Page, expect

from heard.app import Runtime
from heard.posts import RawPost
from heard.workers.importer import import_rows
from heard.workers.pipeline import PipelineWorker
from tests.web.live import LiveServer

pytestmark = pytest.mark.browser

ATTACK = '<script>alert("x")</script><img src=x onerror="alert(1)"><b>bold</b> https://ok.example/"onclick="alert(2)'


def test_markup_in_posts_is_shown_as_text_and_never_runs(
    agent_page: Page, runtime: Runtime, server: LiveServer
) -> None:
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    agent_page.on("dialog", on_dialog)
    post = RawPost("twitter", "evil-1", "evil", '<b onmouseover="alert(3)">evil</b>', ATTACK, datetime.now(UTC))
    import_rows(runtime, [post], "attack")
    PipelineWorker(runtime).drain()

    agent_page.goto(server.url + "/")
    row = agent_page.locator("ol.queue > li").first
    expect(row.locator(".words")).to_have_text(ATTACK)
    expect(row.locator(".handle")).to_have_text('@<b onmouseover="alert(3)">evil</b>')
    row.hover()
    row.locator("a").click()
    text = agent_page.locator(".message.incoming .text")
    expect(text).to_contain_text('<script>alert("x")</script><img src=x onerror="alert(1)"><b>bold</b>')
    assert agent_page.locator("main script, main img, main b").count() == 0
    link = text.locator("a")
    expect(link).to_have_attribute("href", "https://ok.example/")
    link.hover()
    assert dialogs == []
