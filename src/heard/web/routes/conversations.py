"""One conversation: the whole thread, with what Heard understood of each customer post."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse

from heard.accounts.agents import list_agents
from heard.app import Runtime
from heard.events import EVENTS_TOPIC
from heard.inbox.queries import ConversationView, customer_context, get_conversation
from heard.inbox.workflow import STATUSES
from heard.rules.tags import tags_for
from heard.web.auth import Me
from heard.web.deps import get_runtime
from heard.web.routes.composer import composer_context
from heard.web.templating import fragment, page

router = APIRouter()

RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
MAX_ID = 2**63 - 1
SNOOZE_HOURS = (1, 4, 24, 72, 168)


def _found(session: Session, conversation_id: int) -> ConversationView:
    view = get_conversation(session, conversation_id) if 0 < conversation_id <= MAX_ID else None
    if view is None:
        raise HTTPException(status_code=404, detail="No such conversation")
    return view


def _context(session: Session, conversation_id: int) -> dict[str, Any]:
    agents = [a for a in list_agents(session) if a.role in ("agent", "admin")]
    return {
        "view": _found(session, conversation_id),
        "agents": agents,
        "statuses": STATUSES,
        "snooze_hours": SNOOZE_HOURS,
    }


def render_thread(request: Request, runtime: Runtime, conversation_id: int) -> HTMLResponse:
    with runtime.sessions() as session:
        return fragment(request, "conversation.html", "thread", _context(session, conversation_id))


@router.get("/conversations/{conversation_id}", response_class=HTMLResponse)
def conversation_page(request: Request, conversation_id: int, runtime: RuntimeDep, me: Me) -> HTMLResponse:
    head = runtime.log.head(EVENTS_TOPIC)
    with runtime.sessions() as session:
        context = {**_context(session, conversation_id), "head": head}
        context["customer"] = customer_context(session, context["view"].conversation)
        context.update(composer_context(session, context["view"].conversation))
        context["conversation_tags"] = tags_for(session, [conversation_id]).get(conversation_id, [])
        return page(request, "conversation.html", context)


@router.get("/conversations/{conversation_id}/thread", response_class=HTMLResponse)
def conversation_thread(request: Request, conversation_id: int, runtime: RuntimeDep, me: Me) -> HTMLResponse:
    return render_thread(request, runtime, conversation_id)
