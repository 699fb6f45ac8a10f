"""The public site: pages, feed and static export show published articles only, with good HTML."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from heard.app import Runtime, build_runtime
from heard.clock import FrozenClock
from heard.knowledge.actions import create_article, publish_article
from heard.knowledge.demo_articles import seed_demo_articles
from heard.settings import Settings
from heard.web.app import create_app
from heard.web.kb_export import export_site

SECRET = "Unannounced outage postmortem"


@pytest.fixture
def runtime(tmp_path: Path, clock: FrozenClock) -> Iterator[Runtime]:
    settings = Settings(
        env="test", database_url=f"sqlite:///{tmp_path / 'kb.db'}", public_url="https://help.example.com/kb/",
        _env_file=None,
    )  # fmt: skip
    rt = build_runtime(settings, clock)
    with rt.sessions.begin() as session:
        seed_demo_articles(session, clock)
        create_article(session, clock, SECRET, body_md="Nobody outside may read this.", category="Secret stuff")
        create_article(session, clock, "Typing I en español", body_md="## Síntoma\nLa I", language="es",
                       original_id=seed_demo_articles(session, clock)[0].id, slug="ios-i-es")  # fmt: skip
        publish_article(session, clock, "ios-i-es")
    yield rt
    rt.close()


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as test_client:
        yield test_client


def test_article_page_has_sections_and_good_head(client: TestClient) -> None:
    response = client.get("/kb/articles/ios-11-1-typing-i-shows-a/")
    assert response.status_code == 200
    html = response.text
    assert "<title>Typing “I” shows “A [?]” after updating to iOS 11.1 · Help center</title>" in html
    assert '<link rel="canonical" href="https://help.example.com/kb/articles/ios-11-1-typing-i-shows-a/">' in html
    assert '<meta name="description" content="Autocorrect in iOS 11.1 changes the letter I' in html
    assert '<meta property="og:type" content="article">' in html
    kinds = re.findall(r'class="kb-section kb-part-(\w+)"', html)
    assert kinds == ["symptom", "cause", "steps", "workaround", "status"]
    assert 'hreflang="es"' in html
    assert "frame-src https://www.youtube-nocookie.com" in response.headers["content-security-policy"]


def test_drafts_never_reach_the_public(client: TestClient) -> None:
    draft_slug = "unannounced-outage-postmortem"
    assert client.get(f"/kb/articles/{draft_slug}/").status_code == 404
    assert "0 articles for" in client.get("/kb/search", params={"q": "postmortem"}).text
    for path in ("/kb/", "/kb/known-issues/", "/kb/feed.atom", "/kb/suggest?text=outage postmortem"):
        response = client.get(path)
        assert response.status_code == 200
        assert SECRET not in response.text
        assert "Secret stuff" not in response.text
    assert client.get("/kb/categories/secret-stuff/").status_code == 404


def test_search_and_known_issues(client: TestClient) -> None:
    html = client.get("/kb/search", params={"q": "shuffle"}).text
    assert "1 article for “shuffle”" in html
    assert 'href="/kb/articles/spotify-shuffle-switches-off/"' in html
    issues = client.get("/kb/known-issues/").text
    assert issues.index("spotify-shuffle-switches-off") < issues.index("ios-11-1-typing-i-shows-a")  # open first
    hostile = client.get("/kb/search", params={"q": '"<script>alert(1)</script> OR *'})
    assert hostile.status_code == 200
    assert "<script>alert" not in hostile.text


def test_known_issues_show_live_incident_figures(runtime: Runtime, client: TestClient, clock: FrozenClock) -> None:
    from datetime import timedelta

    from heard.incidents.models import Incident
    from heard.knowledge.queries import get_article

    with runtime.sessions.begin() as session:
        now = clock.now()
        incident = Incident(title="Shuffle", post_count=42, author_count=30, created_at=now, updated_at=now)
        session.add(incident)
        session.flush()
        article = get_article(session, "spotify-shuffle-switches-off")
        assert article is not None
        article.incident_id = incident.id
    clock.advance(timedelta(minutes=5).total_seconds())
    html = client.get("/kb/known-issues/").text
    assert "42 from 30 people" in html
    assert "last <time" in html
    assert "5 min</time> ago" in html


def test_sitemap_lists_public_pages(client: TestClient) -> None:
    root = ET.fromstring(client.get("/kb/sitemap.xml").content)
    locs = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://help.example.com/kb/articles/ios-11-1-typing-i-shows-a/" in locs
    assert "https://help.example.com/kb/categories/spotify/" in locs
    assert not [u for u in locs if u and "unannounced" in u]


def test_feed_is_valid_atom_with_published_articles(client: TestClient) -> None:
    response = client.get("/kb/feed.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    ids = [e.findtext("a:id", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert "https://help.example.com/kb/articles/ios-11-1-typing-i-shows-a/" in ids
    assert len(ids) == 3


def test_suggestions_for_the_reply_composer(client: TestClient) -> None:
    html = client.get(
        "/kb/suggest",
        params={"text": "@AppleSupport my phone keeps changing the letter I into a question mark symbol, iOS 11.1"},
    ).text
    assert 'data-insert-link="https://help.example.com/kb/articles/ios-11-1-typing-i-shows-a/"' in html


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.append(value)


def test_static_export_links_resolve(runtime: Runtime, tmp_path: Path) -> None:
    from heard.knowledge.models import Article

    with runtime.sessions.begin() as session:  # a row written by something else, with a hostile slug
        session.add(Article(slug="../../escape", title="Escape", body_md="x", status="published",
                            language="fr", created_at=runtime.clock.now()))  # fmt: skip
    out = tmp_path / "site"
    with runtime.sessions() as session:
        result = export_site(session, runtime.clock, out, "https://help.example.com/kb/")
    assert result.articles == 3
    pages = sorted(out.rglob("*.html"))
    assert len(pages) == result.pages
    checked = 0
    for page in pages:
        text = page.read_text()
        assert SECRET not in text
        parser = _Links()
        parser.feed(text)
        for url in parser.urls:
            if urlparse(url).scheme:
                continue  # canonical and external links
            target = Path(urljoin(page.as_uri(), url.split("#")[0]).removeprefix("file://"))
            assert target.exists(), f"{page.relative_to(out)} links to missing {url}"
            assert not target.is_dir(), f"{url} is a folder: a file:// browser would list it"
            checked += 1
    assert checked > 30
    ET.parse(out / "feed.atom")
    assert "https://help.example.com/kb/articles/ios-i-es/" in (out / "sitemap.xml").read_text()
    assert not (tmp_path / "escape").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kb.db", "kb.db-shm", "kb.db-wal", "site"]
