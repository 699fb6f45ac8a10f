"""`heard kb export DIR`: the public knowledge base as a static site, with relative links so it can be served
from any folder of any web host (or opened from disk). Search needs a server and is left out; the rest is the
same HTML the live site serves."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment
from sqlalchemy.orm import Session

from heard.clock import Clock
from heard.knowledge import queries
from heard.knowledge.feed import atom_feed
from heard.knowledge.slugs import is_slug
from heard.web.kb_pages import (
    SITE_NAME,
    Links,
    article_page,
    category_page,
    home_page,
    known_issues_page,
    sitemap_xml,
)
from heard.web.templating import make_environment

STATIC = Path(__file__).parent / "static"


@dataclass(frozen=True)
class Exported:
    pages: int
    articles: int


def export_site(session: Session, clock: Clock, folder: Path, base_url: str = "") -> Exported:
    """Write every public page of the knowledge base under `folder` (created if needed)."""
    env = make_environment(clock)
    site = Links(root="", index="index.html", static="static/", live=False, base_url=_slash(base_url))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "static").mkdir(exist_ok=True)
    for name in ("kb.css", "favicon.svg"):
        shutil.copyfile(STATIC / name, folder / "static" / name)
    pages = 0
    pages += _write(folder / "index.html", home_page(env, session, site))
    pages += _write(folder / "known-issues" / "index.html", known_issues_page(env, session, site.at_depth(1)))
    # A slug becomes a folder name: one that is not a plain slug (older rows, other writers) is never a path.
    articles = [a for a in queries.all_published(session) if is_slug(a.slug)]
    for article in articles:
        html = article_page(env, session, site.at_depth(2), article)
        pages += _write(folder / "articles" / article.slug / "index.html", html)
    pages += _categories(env, session, site, folder)
    _feed(session, clock, site, folder)
    if site.base_url:  # a sitemap lists absolute URLs only
        (folder / "sitemap.xml").write_bytes(sitemap_xml(session, site))
    return Exported(pages=pages, articles=len(articles))


def _categories(env: Environment, session: Session, site: Links, folder: Path) -> int:
    written = 0
    for category in queries.categories(session):
        found, articles = queries.category_articles(session, category.slug)
        if found is not None:
            html = category_page(env, site.at_depth(2), found, articles)
            written += _write(folder / "categories" / category.slug / "index.html", html)
    return written


def _feed(session: Session, clock: Clock, site: Links, folder: Path) -> None:
    def url(path: str) -> str:
        return site.absolute(path) or path

    body = atom_feed(
        queries.recent_published(session, 50),
        title=SITE_NAME,
        home_url=url(""),
        feed_url=url("feed.atom"),
        link=lambda a: url(f"articles/{a.slug}/"),
        now=clock.now(),
    )
    (folder / "feed.atom").write_bytes(body)


def _write(path: Path, html: str) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(html.encode("utf-8", "replace"))
    return 1


def _slash(url: str) -> str:
    return url if not url or url.endswith("/") else f"{url}/"
