"""The reply composer on a conversation page: the coach's live review, a suggested draft, send (to the outbox),
the replies' delivery states, the SLA countdown, and the next/previous conversation for keyboard shortcuts.

Each route answers with one block of `composer.html`, which the conversation page includes whole."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse, RedirectResponse, Response

from heard.app import Runtime
from heard.channels.routing import route_for
from heard.coach.suggest import suggest_draft
from heard.conversations.models import Conversation, Message
from heard.db.plain_reads import PlainRow, plain
from heard.errors import NotFound
from heard.inbox.coaching import context_for_conversation
from heard.inbox.collisions import check_no_double_reply
from heard.inbox.outbox import MAX_REPLY_CHARS, Author, queue_reply, reply_length, retry_delivery, review_for
from heard.inbox.queries import ConversationView, InboxFilter, agent_names, list_conversations
from heard.inbox.sla import SlaTargets, load_targets, targets_for
from heard.web.auth import Me, Worker
from heard.web.deps import get_runtime, get_session
from heard.web.templating import fragment

router = APIRouter()

SessionDep = Annotated[Session, Depends(get_session)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
Text = Annotated[str, Form(max_length=MAX_REPLY_CHARS * 2)]
Visibility = Annotated[str, Form(pattern="^(public|private)$")]
#: Replies of this conversation listed under the composer with their delivery state.
SHOWN_REPLIES = 10


def composer_context(
    session: Session,
    conversation: Conversation,
    known_names: Mapping[int, str] | None = None,
    targets: dict[int | None, SlaTargets] | None = None,
    thread: ConversationView | None = None,
) -> dict[str, Any]:
    """What composer.html needs on first render; the conversation page adds it to its own context, with the agent
    names, SLA targets and thread it has read already."""
    route = route_for(session, conversation)
    replies = _replies(session, conversation.id, thread)
    length = reply_length(conversation.network, route.kind, route.max_chars, "")
    return {
        "c": conversation,
        "composer": {
            "allows_private": route.allows_private,
            "max_chars": length.limit,
            "limit_where": length.where,
            "replies": replies,
            # the agent beside the brand account each reply went out from
            "writers": agent_names(session, {m.agent_id for m in replies}, known_names),
            "sla_targets": targets_for(targets if targets is not None else load_targets(session), conversation),
        },
    }


def _measured(session: Session, conversation: Conversation, text: str) -> dict[str, Any]:
    route = route_for(session, conversation)
    length = reply_length(conversation.network, route.kind, route.max_chars, text)
    return {"length": length.length, "limit": length.limit, "over": length.over, "reason": length.reason}


#: The agents' latest replies, read as rows (as the thread's messages are: heard.inbox.queries.PlainRow).
_REPLIES = (
    select(*Message.__table__.columns)
    .where(
        Message.conversation_id == bindparam("conversation_id"),
        Message.direction == "outgoing",
        Message.post_id.is_(None),
    )
    .order_by(Message.id.desc())
    .limit(SHOWN_REPLIES)
)


def _replies(session: Session, conversation_id: int, thread: ConversationView | None = None) -> list[PlainRow]:
    if thread is not None and thread.earlier == 0 and thread.conversation.id == conversation_id:
        # the whole thread is read already: its agents' replies are these, no second query
        sent = [e.message for e in thread.entries if e.message.direction == "outgoing" and e.message.post_id is None]
        return sorted(sent, key=lambda m: int(m.id), reverse=True)[:SHOWN_REPLIES]
    return list(plain(session, _REPLIES, {"conversation_id": conversation_id}).all())


def _conversation(session: Session, conversation_id: int) -> Conversation:
    conversation = session.get(Conversation, conversation_id) if 0 < conversation_id < 2**63 else None
    if conversation is None:
        raise NotFound("No such conversation")
    return conversation


def _block(request: Request, block: str, session: Session, conversation: Conversation, **extra: Any) -> HTMLResponse:
    context = {**composer_context(session, conversation), **extra}
    return fragment(request, "composer.html", block, context)


@router.post("/conversations/{conversation_id}/review", response_class=HTMLResponse)
def review_draft(
    request: Request,
    conversation_id: int,
    session: SessionDep,
    me: Worker,
    text: Text = "",
    visibility: Visibility = "public",
) -> HTMLResponse:
    """The coach's review of the draft as typed (the page posts it 300 ms after the last keystroke)."""
    conversation = _conversation(session, conversation_id)
    result = review_for(session, conversation.id, text, agent_name=me.name, private=visibility == "private")
    measured = _measured(session, conversation, text)
    return _block(request, "coach", session, conversation, review=result, draft=text, measured=measured)


@router.post("/conversations/{conversation_id}/suggest", response_class=HTMLResponse)
def suggest(
    request: Request, conversation_id: int, session: SessionDep, me: Worker, visibility: Visibility = "public"
) -> HTMLResponse:
    """A personal draft from the coach, swapped into the text box (which then asks for its review)."""
    conversation = _conversation(session, conversation_id)
    ctx = context_for_conversation(session, conversation.id, agent_name=me.name)
    draft = suggest_draft(replace(ctx, public=visibility != "private"))
    return _block(request, "draft", session, conversation, draft=draft)


@router.post("/conversations/{conversation_id}/replies", response_class=HTMLResponse)
def send_reply(
    request: Request,
    conversation_id: int,
    runtime: RuntimeDep,
    me: Worker,
    text: Text,
    visibility: Visibility = "public",
    review_id: Annotated[int | None, Form(ge=1, lt=2**63)] = None,
    confirm_collision: Annotated[str, Form(max_length=8)] = "",
) -> HTMLResponse:
    """Queue the reply in the outbox; the publisher sends it and the list below the composer follows it live.
    A public reply to a conversation a colleague answered minutes ago is refused (409, saying who and what)
    until the agent confirms it (`confirm_collision`)."""
    notice = ""
    with runtime.sessions.begin() as session:
        if visibility == "public" and not confirm_collision:
            check_no_double_reply(session, conversation_id, me.id, runtime.clock.now())
        queued = queue_reply(
            session,
            conversation_id,
            text,
            clock=runtime.clock,
            author=Author(me.id, me.name),
            private=visibility == "private",
            review_id=review_id,
        )
        if queued.held:
            notice = f"Held: this draft scored {queued.review.score}; a lead must approve it before it goes out."
    with runtime.sessions() as session:
        return _block(request, "outbox", session, _conversation(session, conversation_id), notice=notice)


@router.post("/conversations/{conversation_id}/replies/{message_id}/retry", response_class=HTMLResponse)
def retry_reply(
    request: Request, conversation_id: int, message_id: int, runtime: RuntimeDep, me: Worker
) -> HTMLResponse:
    if message_id >= 2**63:
        raise NotFound(f"no reply {message_id}")
    with runtime.sessions.begin() as session:
        retry_delivery(session, message_id)
    with runtime.sessions() as session:
        return _block(request, "outbox", session, _conversation(session, conversation_id), notice="")


@router.get("/conversations/{conversation_id}/outbox", response_class=HTMLResponse)
def outbox(request: Request, conversation_id: int, session: SessionDep, me: Me) -> HTMLResponse:
    return _block(request, "outbox", session, _conversation(session, conversation_id), notice="")


@router.get("/conversations/{conversation_id}/sla", response_class=HTMLResponse)
def sla(request: Request, conversation_id: int, session: SessionDep, me: Me) -> HTMLResponse:
    return _block(request, "sla", session, _conversation(session, conversation_id))


@router.get("/conversations/{conversation_id}/neighbour")
def neighbour(
    conversation_id: int,
    session: SessionDep,
    runtime: RuntimeDep,
    me: Me,
    step: Annotated[int, Query(ge=-1, le=1)] = 1,
) -> Response:
    """The next (step 1) or previous (-1) conversation in the first page of the default queue (open work), for
    the j/k shortcuts."""
    view = InboxFilter(status="active")  # the inbox's default view
    ids = [c.id for c in list_conversations(session, view, 0, 200, runtime.clock.now()).conversations]
    if not ids:
        return RedirectResponse("/", status_code=303)
    at = ids.index(conversation_id) if conversation_id in ids else -1
    target = ids[min(max(at + step, 0), len(ids) - 1)] if at >= 0 else ids[0]
    return RedirectResponse(f"/conversations/{target}", status_code=303)
