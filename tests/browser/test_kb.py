"""The public knowledge base in chromium: search finds a published article, a draft stays invisible, and the
page runs with no console errors under the Content-Security-Policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from heard.app import Runtime
from heard.knowledge.actions import create_article
from heard.knowledge.demo_articles import seed_demo_articles
from tests.web.live import LiveServer

pytestmark = pytest.mark.browser

DRAFT_TITLE = "Checkout crash hotfix, not announced"


def test_search_finds_an_article_and_a_draft_is_not_public(page: Page, runtime: Runtime, server: LiveServer) -> None:
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    with runtime.sessions.begin() as session:
        seed_demo_articles(session, runtime.clock)
        create_article(session, runtime.clock, DRAFT_TITLE, body_md="## Symptom\nThe checkout crashes.", slug="hotfix")

    page.goto(server.url + "/kb/")
    expect(page).to_have_title("Help center")
    expect(page.locator(".kb-open")).to_contain_text("Spotify shuffle switches off after each song")
    page.get_by_label("Search the help center").fill("autocorrect")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".kb-result-count")).to_have_text("1 article for “autocorrect”")
    page.get_by_role("link", name="Typing “I” shows “A [?]” after updating to iOS 11.1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Typing “I” shows “A [?]” after updating to iOS 11.1")
    expect(page.get_by_role("heading", name="Workaround")).to_be_visible()
    expect(page.locator(".kb-part-steps li")).to_have_count(4)

    page.get_by_label("Search the help center").fill("checkout crash")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".kb-result-count")).to_have_text("0 articles for “checkout crash”")
    assert errors == []  # the pages so far loaded every script, style and image they asked for
    response = page.goto(server.url + "/kb/articles/hotfix/")
    assert response is not None
    assert response.status == 404
    page.goto(server.url + "/kb/")
    expect(page.locator("main")).not_to_contain_text(DRAFT_TITLE)
    assert len(errors) == 1  # the draft's URL answered 404, as it must
    assert "404" in errors[0]
