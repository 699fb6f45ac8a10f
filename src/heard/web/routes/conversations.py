"""One conversation: the whole thread, with what Heard understood of each customer post."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from jinja2 import Environment
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse

from heard.app import Runtime
from heard.events import EVENTS_TOPIC
from heard.inbox.queries import ConversationView, get_conversation
from heard.web.deps import get_runtime, get_session, get_templates
from heard.web.routes.composer import composer_context
from heard.web.templating import fragment, page

router = APIRouter()

SessionDep = Annotated[Session, Depends(get_session)]
Templates = Annotated[Environment, Depends(get_templates)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
MAX_ID = 2**63 - 1


def _found(session: Session, conversation_id: int) -> ConversationView:
    view = get_conversation(session, conversation_id) if 0 < conversation_id <= MAX_ID else None
    if view is None:
        raise HTTPException(status_code=404, detail="No such conversation")
    return view


@router.get("/conversations/{conversation_id}", response_class=HTMLResponse)
def conversation_page(conversation_id: int, session: SessionDep, env: Templates, runtime: RuntimeDep) -> HTMLResponse:
    head = runtime.log.head(EVENTS_TOPIC)
    view = _found(session, conversation_id)
    return page(env, "conversation.html", {"view": view, "head": head, **composer_context(session, view.conversation)})


@router.get("/conversations/{conversation_id}/thread", response_class=HTMLResponse)
def conversation_thread(conversation_id: int, session: SessionDep, env: Templates) -> HTMLResponse:
    return fragment(env, "conversation.html", "thread", {"view": _found(session, conversation_id)})
