"""The public knowledge base under /kb/: no login, published articles only (every query filters on status)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from jinja2 import Environment
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse, RedirectResponse, Response

from heard.app import Runtime
from heard.knowledge import queries
from heard.knowledge.feed import atom_feed
from heard.knowledge.search import search, suggest
from heard.knowledge.slugs import is_slug
from heard.web.deps import get_runtime, get_session
from heard.web.headers import CSP
from heard.web.kb_pages import (
    SITE_NAME,
    Links,
    article_page,
    category_page,
    home_page,
    known_issues_page,
    search_page,
    sitemap_xml,
)

router = APIRouter(prefix="/kb")


def get_templates(request: Request) -> Environment:
    env: Environment = request.app.state.templates
    return env


SessionDep = Annotated[Session, Depends(get_session)]
Templates = Annotated[Environment, Depends(get_templates)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
#: Articles may embed YouTube players (youtube-nocookie only) and images from any https host.
KB_CSP = (
    CSP.replace("img-src 'self' data:", "img-src 'self' data: https:") + "; frame-src https://www.youtube-nocookie.com"
)
HEADERS = {"content-security-policy": KB_CSP, "cache-control": "public, max-age=60"}


def links_for(request: Request, runtime: Runtime) -> Links:
    base = runtime.settings.public_url or f"{str(request.base_url).rstrip('/')}/kb/"
    return Links(base_url=base if base.endswith("/") else f"{base}/")


def _html(text: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(text.encode("utf-8", "replace"), status_code=status_code, headers=HEADERS)


@router.get("", include_in_schema=False)
def kb_root() -> RedirectResponse:
    return RedirectResponse("/kb/", status_code=308)


@router.get("/", response_class=HTMLResponse)
def kb_home(request: Request, session: SessionDep, env: Templates, runtime: RuntimeDep) -> HTMLResponse:
    return _html(home_page(env, session, links_for(request, runtime)))


@router.get("/articles/{slug}/", response_class=HTMLResponse)
def kb_article(slug: str, request: Request, session: SessionDep, env: Templates, runtime: RuntimeDep) -> HTMLResponse:
    article = queries.get_public_article(session, slug) if is_slug(slug) else None
    if article is None:
        raise HTTPException(status_code=404, detail="No such article")
    return _html(article_page(env, session, links_for(request, runtime), article))


@router.get("/categories/{slug}/", response_class=HTMLResponse)
def kb_category(slug: str, request: Request, session: SessionDep, env: Templates, runtime: RuntimeDep) -> HTMLResponse:
    category, articles = queries.category_articles(session, slug) if is_slug(slug) else (None, [])
    if category is None:
        raise HTTPException(status_code=404, detail="No such category")
    return _html(category_page(env, links_for(request, runtime), category, articles))


@router.get("/known-issues/", response_class=HTMLResponse)
def kb_known_issues(request: Request, session: SessionDep, env: Templates, runtime: RuntimeDep) -> HTMLResponse:
    return _html(known_issues_page(env, session, links_for(request, runtime)))


@router.get("/search", response_class=HTMLResponse)
def kb_search(
    request: Request,
    session: SessionDep,
    env: Templates,
    runtime: RuntimeDep,
    q: Annotated[str, Query(max_length=500)] = "",
) -> HTMLResponse:
    return _html(search_page(env, links_for(request, runtime), q, search(session, q)))


@router.get("/suggest", response_class=HTMLResponse)
def kb_suggest(
    request: Request,
    session: SessionDep,
    env: Templates,
    runtime: RuntimeDep,
    text: Annotated[str, Query(max_length=5000)] = "",
) -> HTMLResponse:
    """The reply composer's suggestions: the published articles that best match the customer's post."""
    links = links_for(request, runtime)
    html = env.get_template("kb/_suggestions.html").render(
        links=links, hits=suggest(session, text), canonical_of=lambda a: links.absolute(f"articles/{a.slug}/")
    )
    return _html(html)


@router.get("/feed.atom")
def kb_feed(request: Request, session: SessionDep, runtime: RuntimeDep) -> Response:
    links = links_for(request, runtime)
    body = atom_feed(
        queries.recent_published(session, 50),
        title=SITE_NAME,
        home_url=links.absolute(""),
        feed_url=links.absolute("feed.atom"),
        link=lambda a: links.absolute(f"articles/{a.slug}/"),
        now=runtime.clock.now(),
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8", headers=HEADERS)


@router.get("/sitemap.xml")
def kb_sitemap(request: Request, session: SessionDep, runtime: RuntimeDep) -> Response:
    body = sitemap_xml(session, links_for(request, runtime))
    return Response(body, media_type="application/xml; charset=utf-8", headers=HEADERS)
