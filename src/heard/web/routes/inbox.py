"""The inbox: the queue of conversations, as the left pane of the workspace and as the fragment htmx swaps in when
the agent takes the "N new" items. The workspace page itself (queue | thread and composer | context) is rendered
by `heard.web.routes.conversations`; `/` is that page with the top conversation of the queue selected."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse, JSONResponse

from heard.accounts.agents import AgentIdentity, list_agents
from heard.alerts.queries import open_alert_total
from heard.app import Runtime
from heard.brands.attribution import slug_of
from heard.brands.queries import list_brands
from heard.events import EVENTS_TOPIC
from heard.inbox.brand_accounts import brand_accounts
from heard.inbox.queries import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    SENTIMENTS,
    VIEWS,
    InboxFilter,
    list_conversations,
    list_networks,
    matching_ids,
)
from heard.inbox.sla import load_targets
from heard.web.auth import Me
from heard.web.deps import get_runtime
from heard.web.page_cache import PageCache, Version, join_rows, split_rows
from heard.web.templating import html_response, render

router = APIRouter()


class QueueParams:
    """The query string of the inbox. Unknown values are ignored rather than refused: a stale bookmark still
    opens the inbox."""

    def __init__(
        self,
        status: Annotated[str | None, Query(max_length=16)] = None,
        network: Annotated[str | None, Query(max_length=32)] = None,
        sentiment: Annotated[str | None, Query(max_length=16)] = None,
        language: Annotated[str | None, Query(max_length=16)] = None,
        assignee: Annotated[str | None, Query(max_length=20)] = None,
        q: Annotated[str | None, Query(max_length=200)] = None,
        brand: Annotated[str | None, Query(max_length=64)] = None,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> None:
        self.raw = {
            "status": status if status in (*VIEWS, "all") else None,
            "network": network or None,
            "sentiment": sentiment if sentiment in SENTIMENTS else None,
            "language": (language or "").strip().lower() or None,
            "assignee": assignee if assignee in ("me", "none") or (assignee or "").isdigit() else None,
            "q": (q or "").strip() or None,
            "brand": brand if brand and slug_of(brand) == brand else None,
        }
        self.offset = offset

    def filter_for(self, me: AgentIdentity) -> InboxFilter:
        raw = self.raw
        assignee: int | Literal["none"] | None = None
        if raw["assignee"] == "me":
            assignee = me.id
        elif raw["assignee"] == "none":
            assignee = "none"
        elif raw["assignee"]:
            assignee = int(raw["assignee"])
        status = None if raw["status"] == "all" else (raw["status"] or "active")
        return InboxFilter(
            status, raw["network"], raw["sentiment"], raw["language"], assignee, search=raw["q"], brand=raw["brand"]
        )

    def query(self, offset: int | None = None) -> str:
        pairs = {**self.raw, "offset": offset or None}
        return urlencode({k: v for k, v in pairs.items() if v})


Params = Annotated[QueueParams, Depends()]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def queue_context(session: Session, params: QueueParams, me: AgentIdentity, runtime: Runtime) -> dict[str, Any]:
    """What the queue block needs: the page of conversations, the filters, the SLA targets."""
    chosen = params.filter_for(me)
    found = list_conversations(session, chosen, params.offset, PAGE_SIZE, runtime.clock.now())
    return {
        "page": found,
        "accounts": brand_accounts(session, found.conversations),
        "params": params,
        "filtered": any(v for k, v in params.raw.items()),
        "sla_targets": load_targets(session),
        "search_terms": (params.raw["q"] or "").split(),
    }


def filters_context(session: Session, runtime: Runtime) -> dict[str, Any]:
    """The filter form's choices and the event-log offset the page's live stream starts from."""
    return {
        # read before the queries, so no change between the two goes unnoticed
        "head": runtime.log.head(EVENTS_TOPIC),
        "networks": list_networks(session),
        # The brand picker shows only where there is more than one brand.
        "brands": list_brands(session),
        "agents": list_agents(session),
        "views": VIEWS,
        "sentiments": SENTIMENTS,
    }


def menus(request: Request, session: Session, runtime: Runtime, version: Version) -> dict[str, Any]:
    """The filter form's choices, the navigation's open-alert count and the inboxes' SLA targets, read once for
    every agent at a data version; the page's live stream starts at the version's head (read before any of the
    page's data)."""
    cache: PageCache = request.app.state.page_cache

    def draw() -> dict[str, Any]:
        chosen = {k: v for k, v in filters_context(session, runtime).items() if k != "head"}
        return {**chosen, "open_alerts": open_alert_total(runtime.sessions), "sla_by_inbox": load_targets(session)}

    found = cache.drawn(("menus",), version, draw)
    return {**found, "head": version[0]}


@dataclass(frozen=True, slots=True)
class QueuePane:
    """The queue block as every agent sees it for one filter, with its rows' slots (heard.web.page_cache)."""

    #: The block with its rows' slots, and cut at them (heard.web.page_cache.split_rows).
    html: str
    parts: tuple[str, ...]
    first_id: int | None


def queue_pane(
    request: Request, session: Session, params: QueueParams, me: AgentIdentity, runtime: Runtime, version: Version
) -> QueuePane:
    """The queue block for the agent's filter, drawn once for every agent who asks for the same rows (the filter
    as resolved, so "assigned to me" is each agent's own) at the same data version."""
    cache: PageCache = request.app.state.page_cache
    key = ("queue", params.filter_for(me), params.offset, params.query(params.offset))

    def draw() -> QueuePane:
        context = {**queue_context(session, params, me, runtime), "selected_id": None, "row_slot": cache.row_slot}
        first = context["page"].conversations[0].id if context["page"].conversations else None
        html = render(request, "workspace.html", context, block="queue")
        return QueuePane(html, split_rows(html, cache.row_slot), first)

    return cache.drawn(key, version, draw)


@router.get("/inbox/queue", response_class=HTMLResponse)
def inbox_queue(request: Request, params: Params, me: Me, runtime: RuntimeDep) -> HTMLResponse:
    cache: PageCache = request.app.state.page_cache
    version = cache.version()
    with runtime.sessions() as session:
        pane = queue_pane(request, session, params, me, runtime, version)
    return html_response(join_rows(pane.parts, None))


@router.get("/inbox/news")
def inbox_news(
    params: Params,
    me: Me,
    runtime: RuntimeDep,
    ids: Annotated[str, Query(max_length=4000, pattern=r"^[0-9,]*$")] = "",
) -> JSONResponse:
    """Of the conversations the live stream just named, the ones the agent's current view shows (its filters and
    search): the "N new" button counts only those."""
    wanted = sorted({int(i) for i in ids.split(",") if i.isdigit()})[:MAX_PAGE_SIZE]
    with runtime.sessions() as session:
        found = matching_ids(session, params.filter_for(me), wanted, runtime.clock.now())
    return JSONResponse({"matching": found})
