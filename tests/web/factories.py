"""Rows for web tests, inserted directly (the ingest side has its own tests)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from heard import schema  # noqa: F401 - registers every mapper
from heard.conversations.models import Conversation, Message, PostRecord
from heard.events import EVENTS_TOPIC, Event, PostsStored
from heard.stream.base import EventLog, OutMessage

_ids = itertools.count(1)


def add_conversation(
    session: Session,
    now: datetime,
    handle: str = "alice",
    text: str = "my parcel never arrived",
    network: str = "twitter",
    waited: timedelta | None = timedelta(minutes=30),
    **fields: Any,
) -> Conversation:
    """A conversation opened by one customer post, `waited` ago (None: answered)."""
    started = now - (waited or timedelta(hours=2))
    conversation = Conversation(
        network=network,
        root_external_id=f"root-{next(_ids)}",
        first_customer_text=text,
        customer_handle=handle,
        created_at=started,
        last_activity_at=started,
        last_incoming_at=started,
        waiting_since=started if waited is not None else None,
        incoming_count=1,
        **fields,
    )
    session.add(conversation)
    session.flush()
    add_message(session, conversation, "incoming", text, handle, started)
    return conversation


def add_message(
    session: Session,
    conversation: Conversation,
    direction: str,
    text: str,
    author: str,
    at: datetime,
    **judgements: Any,
) -> Message:
    """A message with the post it came from; `judgements` are PostRecord fields (complaint, sentiment, ...). A
    customer's post names the brand's account unless `mentions` says otherwise, so that it is addressed to the
    brand and waits for an answer (`heard.conversations.state.addressed`) as the conversation's figures say."""
    if direction == "incoming":
        judgements.setdefault("mentions", ["acme"])
    post = PostRecord(
        network=conversation.network,
        external_id=f"ext-{next(_ids)}",
        author_id=author,
        author_handle=author,
        is_brand=direction == "outgoing",
        text=text,
        created_at=at,
        ingested_at=at,
        conversation_id=conversation.id,
        **judgements,
    )
    session.add(post)
    session.flush()
    message = Message(
        conversation_id=conversation.id,
        post_id=post.id,
        direction=direction,
        author_handle=author,
        text=text,
        external_id=post.external_id,
        created_at=at,
    )
    session.add(message)
    session.flush()
    return message


def publish(log: EventLog, *events: Event) -> list[int | None]:
    return log.append(EVENTS_TOPIC, [OutMessage(f"test-{next(_ids)}", e.to_json()) for e in events])


def announce(log: EventLog, conversation: Conversation) -> list[int | None]:
    """What the worker appends after storing a post into `conversation`."""
    return publish(log, PostsStored(count=1, conversations=1, conversation_ids=(conversation.id,)))
