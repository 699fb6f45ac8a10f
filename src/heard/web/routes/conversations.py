"""The workspace: one screen with the queue (left), the selected conversation's thread with the composer always
in view (middle), and the customer, incident and article context (right). `/` selects the top conversation of
the queue; `/conversations/{id}` selects that one and keeps the queue's filters from the query string."""

from __future__ import annotations

from typing import Annotated, Any, NamedTuple, cast

from fastapi import APIRouter, Depends, HTTPException, Request
from markupsafe import Markup, escape
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse

from heard.accounts.agents import AgentIdentity, list_agents
from heard.accounts.models import Agent
from heard.app import Runtime
from heard.inbox.queries import ConversationView, agent_names, customer_context, get_conversation
from heard.inbox.workflow import STATUSES
from heard.rules.tags import tags_for
from heard.web.auth import Me
from heard.web.deps import get_runtime
from heard.web.page_cache import PageCache, join_rows, split_rows
from heard.web.routes.composer import composer_context
from heard.web.routes.inbox import Params, QueuePane, QueueParams, menus, queue_pane
from heard.web.templating import fragment, html_response, render

router = APIRouter()

RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
MAX_ID = 2**63 - 1
SNOOZE_HOURS = (1, 4, 24, 72, 168)


def _found(session: Session, conversation_id: int, known_names: dict[int, str] | None = None) -> ConversationView:
    view = get_conversation(session, conversation_id, known_names) if 0 < conversation_id <= MAX_ID else None
    if view is None:
        raise HTTPException(status_code=404, detail="No such conversation")
    return view


def thread_context(
    session: Session, conversation_id: int, undo: dict[str, str] | None = None, everyone: list[Agent] | None = None
) -> dict[str, Any]:
    """What the thread block needs; `undo` is the form that puts back what the agent just changed, `everyone`
    the agents when the caller has read them already."""
    everyone = everyone or list_agents(session)
    agents = [a for a in everyone if a.role in ("agent", "editor", "lead", "admin")]
    names = {a.id: a.name for a in everyone}
    view = _found(session, conversation_id, names)
    return {
        "view": view,
        # sent replies show the brand account they went out from and, beside it, the agent who wrote them
        "writers": agent_names(session, {e.message.agent_id for e in view.entries}, names),
        "agents": agents,
        "statuses": STATUSES,
        "snooze_hours": SNOOZE_HOURS,
        "undo": undo,
    }


def render_thread(
    request: Request, runtime: Runtime, conversation_id: int, undo: dict[str, str] | None = None
) -> HTMLResponse:
    with runtime.sessions() as session:
        return fragment(request, "workspace.html", "thread", thread_context(session, conversation_id, undo))


class OwnParts(NamedTuple):
    """What a conversation page keeps of its own (heard.web.page_cache): the selected row, the title's start and
    the panes. The shell they go into is kept once for its queue."""

    chosen: int | None
    title: str
    panes: str


def _workspace(
    request: Request, runtime: Runtime, params: QueueParams, me: AgentIdentity, selected: int | None
) -> HTMLResponse:
    """The page from heard.web.page_cache when nothing it shows has changed; else drawn and kept. A page is the
    shell its queue shares (the navigation, the filters and the queue pane every agent shares) with the
    conversation's own parts filled in; each is kept on its own, so a conversation page renders only what is its
    own and keeps only that. The CSRF token is the one part of a page that is the session's own."""
    cache: PageCache = request.app.state.page_cache
    version = cache.version()  # before any data is read: an entry is never older than its version
    query = params.query(params.offset)
    shell_key, key = ("shell", me, query), ("page", me, selected, query)
    shell = cast(tuple[str, ...] | None, cache.peek(shell_key, version))
    own = cast(OwnParts | None, cache.peek(key, version))
    if shell is not None and own is not None:
        cache.hits += 1
    else:
        with runtime.sessions() as session:
            pane = queue_pane(request, session, params, me, runtime, version)
            shared = menus(request, session, runtime, version)
            shell = cache.drawn(shell_key, version, lambda: _shell(request, cache, params, pane, shared))
            chosen = selected if selected is not None else pane.first_id
            own = cache.drawn(key, version, lambda: _own_parts(request, session, shared, chosen))
    return html_response(cache.with_csrf(_filled(shell, cache, own), request.state.session.csrf))


def _own_parts(request: Request, session: Session, shared: dict[str, Any], chosen: int | None) -> OwnParts:
    """The conversation's parts of the page, or the empty pane when the queue has none to select."""
    cache: PageCache = request.app.state.page_cache
    context: dict[str, Any] = {**shared, "view": None, "csrf_token": cache.csrf_slot}
    if chosen is None:
        return OwnParts(None, "", render(request, "workspace.html", context, "empty_pane"))
    context.update(thread_context(session, chosen, everyone=shared["agents"]))
    view = context["view"]
    context["customer"] = customer_context(session, view.conversation)
    names = {a.id: a.name for a in shared["agents"]}
    context.update(composer_context(session, view.conversation, names, shared["sla_by_inbox"], view))
    context["conversation_tags"] = tags_for(session, [chosen]).get(chosen, [])
    title = f"{escape('@' + view.conversation.customer_handle)} · "
    return OwnParts(chosen, title, render(request, "workspace.html", context, "panes"))


def _shell(
    request: Request, cache: PageCache, params: QueueParams, pane: QueuePane, shared: dict[str, Any]
) -> tuple[str, ...]:
    """The workspace with the conversation's parts as slots and the queue pane's row slots kept, cut at the row
    slots (heard.web.page_cache.split_rows)."""
    context: dict[str, Any] = {
        **shared,
        "open_alert_count": lambda: shared["open_alerts"],
        "params": params,
        "filtered": any(params.raw.values()),
        "queue_pane": Markup(pane.html),  # noqa: S704 - our own render
        "conversation_slot": cache.conversation_slot,
        "selected_id": None,
        "view": None,
        "csrf_token": cache.csrf_slot,
    }
    return split_rows(render(request, "workspace.html", context), cache.row_slot)


def _filled(shell: tuple[str, ...], cache: PageCache, own: OwnParts) -> str:
    """The shell with the chosen row marked and the conversation's parts in the slots; the panes (hostile text)
    go in last, so no text of theirs is taken for a slot."""
    slot, chosen = cache.conversation_slot, own.chosen
    page = join_rows(shell, chosen)
    page = page.replace(f"{slot}t.", own.title).replace(f"{slot}s.", "" if chosen is None else str(chosen))
    page = page.replace(f"{slot}e.", "" if chosen is None else f"&conversation={chosen}")
    return page.replace(f"{slot}p.", own.panes)


@router.get("/", response_class=HTMLResponse)
def inbox_page(request: Request, params: Params, runtime: RuntimeDep, me: Me) -> HTMLResponse:
    return _workspace(request, runtime, params, me, None)


@router.get("/conversations/{conversation_id}", response_class=HTMLResponse)
def conversation_page(
    request: Request, conversation_id: int, params: Params, runtime: RuntimeDep, me: Me
) -> HTMLResponse:
    return _workspace(request, runtime, params, me, conversation_id)


@router.get("/conversations/{conversation_id}/thread", response_class=HTMLResponse)
def conversation_thread(request: Request, conversation_id: int, runtime: RuntimeDep, me: Me) -> HTMLResponse:
    return render_thread(request, runtime, conversation_id)
