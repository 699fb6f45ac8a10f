"""Issue 21, item 9: long names and unbroken strings wrap instead of widening the page, on the 13 pages that
show what customers, agents and the radar write (checked in Chromium at a laptop's and a phone's width)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page

from heard.alerts.models import Alert
from heard.app import Runtime
from heard.channels.actions import add_channel
from heard.conversations.models import Conversation
from heard.incidents.models import Incident
from heard.knowledge.actions import create_article, publish_article
from heard.posts import RawPost
from heard.workers.importer import import_rows
from heard.workers.pipeline import PipelineWorker
from tests.browser.conftest import log_in
from tests.web.live import LiveServer

pytestmark = pytest.mark.browser

WORD = "Unbroken" * 40  # 320 characters without a place to break
HANDLE = "h" * 250


def _seed(runtime: Runtime) -> dict[str, str]:
    now = datetime.now(UTC)
    posts = [
        RawPost(
            "twitter",
            f"long-{i}",
            f"author-{i}",
            f"{HANDLE}{i}",
            f"{WORD} my order is late again {WORD} https://example.com/{WORD}",
            now - timedelta(minutes=i),
            author_name="N" * 256,
        )
        for i in range(3)
    ]
    import_rows(runtime, posts, "long")
    PipelineWorker(runtime).drain()
    with runtime.sessions.begin() as session:
        conversation = session.query(Conversation).first()
        assert conversation is not None
        incident = Incident(
            title=WORD[:256], summary=WORD, created_at=now, updated_at=now, key_phrases=[WORD[:200]], post_count=3
        )
        session.add(incident)
        session.flush()
        alert = Alert(
            kind="spike",
            series_key=f"hashtag:{WORD}"[:256],
            severity=0.9,
            observed=12,
            expected=1,
            started_at=now,
            created_at=now,
            incident_id=incident.id,
            evidence={"why": WORD},
            post_keys=[f"twitter:long-{i}" for i in range(3)],
        )
        session.add(alert)
        add_channel(
            session,
            kind="mastodon",
            name="c" * 120,
            options={"instance": f"https://{'m' * 200}.example", "token": "t"},
            secret_key=runtime.settings.secret_key,
            now=now,
            handle=HANDLE,
        )
        slug = "long-article"
        create_article(session, runtime.clock, WORD[:200], slug=slug, body_md=f"## Fix\n{WORD}")
        publish_article(session, runtime.clock, slug)
        session.flush()
        return {
            "conversation": str(conversation.id),
            "incident": str(incident.id),
            "alert": str(alert.id),
            "slug": slug,
        }


PAGES = (
    "/",
    "/conversations/{conversation}",
    "/alerts",
    "/alerts/{alert}",
    "/channels",
    "/incidents",
    "/incidents/{incident}",
    "/reports",
    "/articles",
    "/articles/{slug}",
    "/kb/",
    "/kb/articles/{slug}/",
    "/kb/search?q=Unbroken",
)


@pytest.mark.parametrize("width", [1280, 390])
def test_long_text_wraps_on_every_page(page: Page, server: LiveServer, runtime: Runtime, width: int) -> None:
    ids = _seed(runtime)
    log_in(page, server, runtime, "admin@example.com", role="admin")
    page.set_viewport_size({"width": width, "height": 900})
    overflowing = {}
    for template in PAGES:
        url = server.url + template.format(**ids)
        response = page.goto(url)
        assert response is not None
        assert response.status == 200, url
        extra = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if extra > 1:
            overflowing[template] = extra
    assert len(PAGES) == 13
    assert overflowing == {}


def test_handles_are_shown_isolated(page: Page, server: LiveServer, runtime: Runtime) -> None:
    """Item 4 in the UI: a right-to-left override in a handle cannot reorder the text around it."""
    post = RawPost("twitter", "rlo-1", "rlo", "ana\u202eevil", "my order is late", datetime.now(UTC))
    import_rows(runtime, [post], "rlo")
    PipelineWorker(runtime).drain()
    log_in(page, server, runtime, "agent@example.com")
    handle = page.locator("ol.queue > li .handle").first
    assert handle.evaluate("e => getComputedStyle(e).unicodeBidi") == "isolate"
