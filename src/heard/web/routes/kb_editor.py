"""Agent-side knowledge-base pages (login required): every article with its status, the editor (Markdown with a
live preview rendered the way the public will see it), publish and archive, and a draft from an incident in one
click. Viewers read; agents with the editor role (or admins) write and publish."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, RedirectResponse, Response

from heard.app import Runtime
from heard.audit.trail import Actor
from heard.brands.queries import list_brands
from heard.errors import HeardError
from heard.inbox.followups import send_followups
from heard.knowledge.actions import archive_article, create_article, publish_article, update_article
from heard.knowledge.drafting import draft_from_incident
from heard.knowledge.followups import plan_followups
from heard.knowledge.markdown import sections
from heard.knowledge.models import ISSUE_STATUSES
from heard.knowledge.queries import get_article, list_articles
from heard.web.auth import Editor, Me
from heard.web.deps import get_runtime
from heard.web.templating import page

router = APIRouter(prefix="/articles")
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
Text = Annotated[str, Form(max_length=200_000)]
Line = Annotated[str, Form(max_length=256)]


def public_url(request: Request, runtime: Runtime, slug: str) -> str:
    base = runtime.settings.public_url or f"{str(request.base_url).rstrip('/')}/kb/"
    return f"{base.rstrip('/')}/articles/{slug}/"


@router.get("", response_class=HTMLResponse)
def articles(
    request: Request, runtime: RuntimeDep, me: Me, brand: Annotated[str | None, Query(max_length=64)] = None
) -> HTMLResponse:
    """The articles, newest first; with more than one brand, a picker shows one brand's (those written from its
    incidents)."""
    with runtime.sessions() as session:
        brands = list_brands(session)
        picked = brand if brand in {b.slug for b in brands} else None
        context = {"articles": list_articles(session, brand=picked), "brands": brands, "brand": picked}
        return page(request, "kb_editor/list.html", context)


@router.get("/new", response_class=HTMLResponse)
def new_article(request: Request, me: Editor) -> HTMLResponse:
    return _editor(request, None, {}, None)


@router.post("", response_class=HTMLResponse)
def create(
    request: Request, runtime: RuntimeDep, me: Editor, title: Line, body_md: Text, category: Line = "",
    summary: Text = "", issue_status: Line = "", language: Line = "en",
) -> Response:  # fmt: skip
    fields = _fields(title, body_md, category, summary, issue_status, language)
    try:
        with runtime.sessions.begin() as session:
            slug = create_article(session, runtime.clock, author_id=me.id, **fields).slug
    except HeardError as error:
        return _editor(request, None, fields, str(error))
    return RedirectResponse(f"/articles/{slug}", status_code=303)


@router.get("/{slug}", response_class=HTMLResponse)
def edit(request: Request, slug: str, runtime: RuntimeDep, me: Me) -> HTMLResponse:
    with runtime.sessions() as session:
        article = get_article(session, slug)
        if article is None:
            raise HTTPException(status_code=404, detail="No such article")
        return _editor(request, article, {}, None)


@router.post("/{slug}", response_class=HTMLResponse)
def save(
    request: Request, slug: str, runtime: RuntimeDep, me: Editor, title: Line, body_md: Text, category: Line = "",
    summary: Text = "", issue_status: Line = "", language: Line = "en",
) -> Response:  # fmt: skip
    fields = _fields(title, body_md, category, summary, issue_status, language)
    try:
        with runtime.sessions.begin() as session:
            update_article(session, runtime.clock, slug, **fields)
    except HeardError as error:
        with runtime.sessions() as session:
            return _editor(request, get_article(session, slug), fields, str(error))
    return RedirectResponse(f"/articles/{slug}", status_code=303)


@router.post("/{slug}/publish")
def publish(request: Request, slug: str, runtime: RuntimeDep, me: Editor) -> Response:
    """Publish; when the article answers an incident, the editor goes to the follow-ups' preview: nothing is sent
    to anyone before they confirm there."""
    with runtime.sessions.begin() as session:
        article = publish_article(session, runtime.clock, slug, Actor(me.id, me.email))
        answers_incident = article.incident_id is not None
    if answers_incident:
        return RedirectResponse(f"/articles/{slug}/followups", status_code=303)
    return RedirectResponse(f"/articles/{slug}?queued=0", status_code=303)


@router.get("/{slug}/followups", response_class=HTMLResponse)
def followups_preview(request: Request, slug: str, runtime: RuntimeDep, me: Editor) -> HTMLResponse:
    """Everyone the article would reach, each with their personal message (status-aware, the article's current
    title), to drop or edit before sending."""
    url = public_url(request, runtime, slug)
    with runtime.sessions() as session:
        article = get_article(session, slug)
        if article is None:
            raise HTTPException(status_code=404, detail="No such article")
        plans = plan_followups(session, article, url, signature=me.name.split()[0])
        return page(request, "kb_editor/followups.html", {"article": article, "plans": plans})


@router.post("/{slug}/followups")
async def followups_send(request: Request, slug: str, runtime: RuntimeDep, me: Editor) -> Response:
    """Send the follow-ups the editor kept (`send` = contact ids), with their texts as edited (`text-<id>`),
    through the one reply path and its coach."""
    form = await request.form()
    kept = {int(v) for v in form.getlist("send") if isinstance(v, str) and v.isdigit() and len(v) < 19}
    chosen = {cid: str(form.get(f"text-{cid}", ""))[:2000] for cid in kept}
    url = public_url(request, runtime, slug)
    return await run_in_threadpool(_send_chosen, runtime, slug, url, me.name.split()[0], chosen)


def _send_chosen(runtime: Runtime, slug: str, url: str, signature: str, chosen: dict[int, str]) -> Response:
    with runtime.sessions.begin() as session:
        article = get_article(session, slug)
        if article is None:
            raise HTTPException(status_code=404, detail="No such article")
        queued = send_followups(session, runtime.clock, article, url, signature, chosen=chosen)
    return RedirectResponse(f"/articles/{slug}?queued={len(queued)}", status_code=303)


@router.post("/{slug}/archive")
def archive(slug: str, runtime: RuntimeDep, me: Editor) -> Response:
    with runtime.sessions.begin() as session:
        archive_article(session, runtime.clock, slug)
    return RedirectResponse(f"/articles/{slug}", status_code=303)


@router.post("/from-incident/{incident_id}")
def from_incident(incident_id: int, runtime: RuntimeDep, me: Editor) -> Response:
    with runtime.sessions.begin() as session:
        slug = draft_from_incident(session, runtime.clock, incident_id, author_id=me.id).slug
    return RedirectResponse(f"/articles/{slug}", status_code=303)


def _fields(title: str, body_md: str, category: str, summary: str, issue_status: str, language: str) -> dict[str, Any]:
    return {
        "title": title,
        "body_md": body_md,
        "category": category.strip() or None,
        "summary": summary,
        "issue_status": issue_status or None,
        "language": (language.strip() or "en")[:16],
    }


def _editor(request: Request, article: object, typed: dict[str, Any], error: str | None) -> HTMLResponse:
    body = str(typed.get("body_md", getattr(article, "body_md", "")))
    context = {
        "article": article,
        "typed": typed,
        "error": error,
        "issue_statuses": ISSUE_STATUSES,
        "preview": sections(body),
        "queued": request.query_params.get("queued", ""),
    }
    return page(request, "kb_editor/edit.html", context, status_code=400 if error else 200)
