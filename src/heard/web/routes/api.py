"""The HTTP API, version 1: the inbox for other tools (a CRM, a bot, a BI job), with bearer tokens
(`heard token create`). Same actions and rules as the web pages: a reply goes through the coach and the outbox,
a viewer's token reads but changes nothing. JSON in and out; the schema is at /api/v1/openapi.json."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import BaseModel, Field

from heard.app import Runtime
from heard.conversations.models import Conversation
from heard.inbox.outbox import MAX_REPLY_CHARS, Author, queue_reply
from heard.inbox.queries import (
    MAX_OFFSET,
    MAX_PAGE_SIZE,
    InboxFilter,
    ThreadEntry,
    get_conversation,
    list_conversations,
)
from heard.inbox.workflow import add_note, assign, set_status
from heard.web.api_auth import ApiWorker, Caller
from heard.web.deps import get_runtime

router = APIRouter(prefix="/api/v1", tags=["inbox"])
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
ConversationId = Annotated[int, Path(ge=1, lt=2**63)]


class ConversationOut(BaseModel):
    id: int
    network: str
    status: str
    priority: int
    urgency: int | None
    customer_handle: str
    first_customer_text: str
    waiting_since: datetime | None
    last_activity_at: datetime
    assignee_id: int | None
    incident_id: int | None
    incoming_count: int
    outgoing_count: int
    #: Why the conversation sits where it does in the queue, in words.
    reason: str | None = None


class Judgement(BaseModel):
    complaint: float | None
    intents: list[str]
    sentiment: str | None
    sentiment_score: float | None
    topic: str | None
    language: str | None
    urgency: int | None
    urgency_reasons: list[str]
    author_followers: int | None
    permalink: str | None


class MessageOut(BaseModel):
    id: int
    direction: str
    author_handle: str
    text: str
    created_at: datetime
    delivery_state: str
    is_private: bool
    external_id: str | None
    judgement: Judgement | None


class ConversationPage(BaseModel):
    conversations: list[ConversationOut]
    offset: int
    limit: int
    #: Pass as `offset` for the next page; null when this is the last one.
    next_offset: int | None


class Thread(BaseModel):
    conversation: ConversationOut
    messages: list[MessageOut]
    #: Older messages not included (a pile-on thread can be very long).
    earlier: int


class ReplyIn(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_REPLY_CHARS)
    private: bool = False


class ReplyOut(BaseModel):
    #: The queued message (held, not sent until a lead approves, when the coach's score was below the inbox's
    #: threshold).
    message_id: int
    held: bool
    review_id: int
    score: int
    findings: list[dict[str, Any]]


class StatusIn(BaseModel):
    status: Literal["open", "pending", "snoozed", "resolved"]
    snoozed_until: datetime | None = None


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=10_000)


class AssignIn(BaseModel):
    #: The agent to give it to; null to unassign.
    agent_id: int | None = Field(default=None, ge=1, lt=2**63)


def _conversation_out(c: Conversation, reason: str | None = None) -> ConversationOut:
    return ConversationOut(
        id=c.id,
        network=c.network,
        status=c.status,
        priority=c.priority,
        urgency=c.urgency,
        customer_handle=c.customer_handle,
        first_customer_text=c.first_customer_text,
        waiting_since=c.waiting_since,
        last_activity_at=c.last_activity_at,
        assignee_id=c.assignee_id,
        incident_id=c.incident_id,
        incoming_count=c.incoming_count,
        outgoing_count=c.outgoing_count,
        reason=reason,
    )


def _message_out(entry: ThreadEntry) -> MessageOut:
    m, p = entry.message, entry.post
    judgement = None
    if p is not None:
        judgement = Judgement(
            complaint=p.complaint,
            intents=list(p.intents or []),
            sentiment=p.sentiment,
            sentiment_score=p.sentiment_score,
            topic=p.topic,
            language=p.language,
            urgency=p.urgency,
            urgency_reasons=list(p.urgency_reasons or []),
            author_followers=p.author_followers,
            permalink=p.permalink,
        )
    return MessageOut(
        id=m.id,
        direction=m.direction,
        author_handle=m.author_handle,
        text=m.text,
        created_at=m.created_at,
        delivery_state=m.delivery_state,
        is_private=m.is_private,
        external_id=m.external_id,
        judgement=judgement,
    )


def _thread(runtime: Runtime, conversation_id: int) -> Thread:
    with runtime.sessions() as session:
        view = get_conversation(session, conversation_id)
        if view is None:
            raise HTTPException(status_code=404, detail="No such conversation")
        return Thread(
            conversation=_conversation_out(view.conversation),
            messages=[_message_out(e) for e in view.entries],
            earlier=view.earlier,
        )


@router.get("/conversations")
def conversations(
    runtime: RuntimeDep,
    me: Caller,
    status: Annotated[
        str | None, Query(max_length=16, description="open, pending, snoozed, resolved or active")
    ] = None,
    network: Annotated[str | None, Query(max_length=32)] = None,
    q: Annotated[str | None, Query(max_length=200, description="Words in a message, or @handle")] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
) -> ConversationPage:
    """The queue, in the inbox's working order (pile-ons first, then waiting customers by urgency and wait)."""
    chosen = InboxFilter(status=status or None, network=network or None, search=q or None)
    with runtime.sessions() as session:
        page = list_conversations(session, chosen, offset, limit, runtime.clock.now())
        rows = [_conversation_out(c, page.reasons.get(c.id)) for c in page.conversations]
    return ConversationPage(
        conversations=rows,
        offset=page.offset,
        limit=page.limit,
        next_offset=page.offset + page.limit if page.has_more else None,
    )


@router.get("/conversations/{conversation_id}")
def conversation(conversation_id: ConversationId, runtime: RuntimeDep, me: Caller) -> Thread:
    """One conversation with its messages, oldest first, each with the understanding stage's judgement."""
    return _thread(runtime, conversation_id)


@router.post("/conversations/{conversation_id}/replies", status_code=201)
def reply(conversation_id: ConversationId, body: ReplyIn, runtime: RuntimeDep, me: ApiWorker) -> ReplyOut:
    """Queue a reply: the coach reviews it, the outbox sends it once. Held (queued, but not sent until a lead
    approves) when the inbox requires approval below a score and the draft scored below it."""
    author = Author(me.id, me.name)
    with runtime.sessions.begin() as session:
        queued = queue_reply(
            session, conversation_id, body.text, clock=runtime.clock, author=author, private=body.private
        )
        return ReplyOut(
            message_id=queued.message.id,
            held=queued.held,
            review_id=queued.review.id,
            score=queued.review.score,
            findings=list(queued.review.findings or []),
        )


@router.post("/conversations/{conversation_id}/status")
def change_status(conversation_id: ConversationId, body: StatusIn, runtime: RuntimeDep, me: ApiWorker) -> Thread:
    until = body.snoozed_until
    if until is not None and until.tzinfo is None:
        until = until.replace(tzinfo=UTC)  # a time without an offset is read as UTC, like everywhere in Heard
    with runtime.sessions.begin() as session:
        set_status(session, conversation_id, body.status, me, runtime.clock.now(), until)
    return _thread(runtime, conversation_id)


@router.post("/conversations/{conversation_id}/notes", status_code=201)
def note(conversation_id: ConversationId, body: NoteIn, runtime: RuntimeDep, me: ApiWorker) -> Thread:
    """A private note for the team; it never leaves Heard."""
    with runtime.sessions.begin() as session:
        add_note(session, conversation_id, body.text, me, runtime.clock.now())
    return _thread(runtime, conversation_id)


@router.post("/conversations/{conversation_id}/assignee")
def give_to(conversation_id: ConversationId, body: AssignIn, runtime: RuntimeDep, me: ApiWorker) -> Thread:
    with runtime.sessions.begin() as session:
        assign(session, conversation_id, body.agent_id, me)
    return _thread(runtime, conversation_id)
