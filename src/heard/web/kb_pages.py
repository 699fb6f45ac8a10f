"""The public knowledge-base pages, rendered the same way for the live site (/kb/...) and the static export.

Only `heard.knowledge.queries` functions that filter on `published` feed these pages, so a draft cannot appear.
`Links` is the one place URLs are made: absolute paths under /kb/ live, relative paths in an export, so the
exported site works from any folder of any web host."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from jinja2 import Environment
from sqlalchemy.orm import Session

from heard.knowledge import queries
from heard.knowledge.markdown import plain_text, sections
from heard.knowledge.models import Article
from heard.knowledge.search import Hit
from heard.knowledge.sitemap import sitemap
from heard.knowledge.slugs import slugify

SITE_NAME = "Help center"


@dataclass(frozen=True)
class Links:
    """URLs as seen from the page being rendered. `base_url` (absolute, ending in /) makes canonical URLs."""

    root: str = "/kb/"
    index: str = ""
    static: str = "/static/"
    live: bool = True
    base_url: str = ""

    def at_depth(self, depth: int) -> Links:
        """The same site seen from a page `depth` folders below the root (export only)."""
        up = "../" * depth
        return replace(self, root=up, static=f"{up}static/")

    def home(self) -> str:
        return f"{self.root}{self.index}" or "./"

    def article(self, slug: str) -> str:
        return f"{self.root}articles/{slug}/{self.index}"

    def category(self, name: str) -> str:
        return f"{self.root}categories/{slugify(name, 'general')}/{self.index}"

    def known_issues(self) -> str:
        return f"{self.root}known-issues/{self.index}"

    def feed(self) -> str:
        return f"{self.root}feed.atom"

    def search(self) -> str:
        return f"{self.root}search"

    def absolute(self, path: str) -> str:
        """The canonical URL of a page given its path below the root ('' for the home page)."""
        return f"{self.base_url}{path}" if self.base_url else ""


def _render(env: Environment, name: str, links: Links, **context: Any) -> str:
    return env.get_template(f"kb/{name}").render(links=links, site_name=SITE_NAME, **context)


def home_page(env: Environment, session: Session, links: Links) -> str:
    open_issues = [a for a in queries.known_issues(session) if a.issue_status != "fixed"]
    return _render(
        env,
        "home.html",
        links,
        categories=queries.categories(session),
        recent=queries.recent_published(session, 10),
        open_issues=open_issues,
        canonical=links.absolute(""),
        description="Known problems and how to fix them: step-by-step answers, workarounds and live status.",
    )


def article_page(env: Environment, session: Session, links: Links, article: Article) -> str:
    description = article.summary or plain_text(article.body_md, 160)
    return _render(
        env,
        "article.html",
        links,
        article=article,
        sections=sections(article.body_md),
        translations=queries.translations(session, article),
        canonical=links.absolute(f"articles/{article.slug}/"),
        description=description,
    )


def category_page(env: Environment, links: Links, category: queries.Category, articles: list[Article]) -> str:
    return _render(
        env,
        "category.html",
        links,
        category=category,
        articles=articles,
        canonical=links.absolute(f"categories/{category.slug}/"),
        description=f"Known problems and fixes for {category.name}.",
    )


def known_issues_page(env: Environment, session: Session, links: Links) -> str:
    return _render(
        env,
        "known_issues.html",
        links,
        issues=queries.live_issues(session),
        canonical=links.absolute("known-issues/"),
        description="The problems we know about right now, where each stands, and how to work around them.",
    )


def sitemap_xml(session: Session, links: Links) -> bytes:
    """Every public page with an absolute URL (needs `links.base_url`)."""
    pages: list[tuple[str, datetime | None]] = [(links.absolute(""), None), (links.absolute("known-issues/"), None)]
    pages += [(links.absolute(f"categories/{c.slug}/"), None) for c in queries.categories(session)]
    for article in queries.all_published(session):
        pages.append((links.absolute(f"articles/{article.slug}/"), article.updated_at or article.published_at))
    return sitemap(pages)


def search_page(env: Environment, links: Links, query: str, hits: list[Hit]) -> str:
    return _render(
        env, "search.html", links, query=query, hits=hits, canonical="", description="Search the help center."
    )
