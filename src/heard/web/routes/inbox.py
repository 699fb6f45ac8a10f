"""The inbox: the queue of conversations, as a page and as the fragment htmx swaps in when something changes."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query
from jinja2 import Environment
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse

from heard.app import Runtime
from heard.events import EVENTS_TOPIC
from heard.inbox.queries import PAGE_SIZE, STATUSES, InboxFilter, list_conversations, list_networks
from heard.inbox.sla import load_targets
from heard.web.deps import get_runtime, get_session, get_templates
from heard.web.templating import fragment, page

router = APIRouter()


class QueueParams:
    """The query string of the inbox. Unknown statuses are ignored rather than refused: a stale bookmark still
    opens the inbox."""

    def __init__(
        self,
        status: Annotated[str | None, Query(max_length=16)] = None,
        network: Annotated[str | None, Query(max_length=32)] = None,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> None:
        self.filter = InboxFilter(status=status if status in STATUSES else None, network=network or None)
        self.offset = offset

    def query(self, offset: int | None = None) -> str:
        pairs = {"status": self.filter.status, "network": self.filter.network, "offset": offset or None}
        return urlencode({k: v for k, v in pairs.items() if v})


Params = Annotated[QueueParams, Depends()]
SessionDep = Annotated[Session, Depends(get_session)]
Templates = Annotated[Environment, Depends(get_templates)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def _context(session: Session, params: QueueParams) -> dict[str, Any]:
    return {
        "page": list_conversations(session, params.filter, params.offset, PAGE_SIZE),
        "params": params,
        "statuses": STATUSES,
        "sla_targets": load_targets(session),
    }


@router.get("/", response_class=HTMLResponse)
def inbox_page(params: Params, session: SessionDep, env: Templates, runtime: RuntimeDep) -> HTMLResponse:
    head = runtime.log.head(EVENTS_TOPIC)  # before the query, so no change between the two goes unnoticed
    context = {**_context(session, params), "head": head, "networks": list_networks(session)}
    return page(env, "inbox.html", context)


@router.get("/inbox/queue", response_class=HTMLResponse)
def inbox_queue(params: Params, session: SessionDep, env: Templates) -> HTMLResponse:
    return fragment(env, "inbox.html", "queue", _context(session, params))
