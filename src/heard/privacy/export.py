"""Everything Heard stores about one person, as one JSON document (a data-access request)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from heard.conversations.models import Contact, ContactIdentity, Conversation, Message, PostRecord
from heard.inbox.models import ReplyReview
from heard.knowledge.models import ArticleFollowUp
from heard.privacy.person import Person, authored

FORMAT = "heard.privacy.export/1"


def export_person(session: Session, person: Person, now: datetime) -> dict[str, Any]:
    """Their contacts and identities, every post they wrote (with Heard's judgements of it), every conversation
    opened by them with its messages, the coach's reviews of replies to them and the follow-ups they were sent."""
    ids = person.contact_ids
    posts = session.scalars(select(PostRecord).where(authored(person)).order_by(PostRecord.id)).all()
    conversations = session.scalars(
        select(Conversation).where(Conversation.contact_id.in_(ids)).order_by(Conversation.id)
    ).all()
    conversation_ids = [c.id for c in conversations]
    messages = session.scalars(
        select(Message).where(Message.conversation_id.in_(conversation_ids)).order_by(Message.id)
    ).all()
    by_conversation: dict[int, list[dict[str, Any]]] = {}
    for message in messages:
        by_conversation.setdefault(message.conversation_id, []).append(_row(message))
    reviews = session.scalars(
        select(ReplyReview).where(ReplyReview.conversation_id.in_(conversation_ids)).order_by(ReplyReview.id)
    ).all()
    followups = session.scalars(select(ArticleFollowUp).where(ArticleFollowUp.contact_id.in_(ids))).all()
    return {
        "format": FORMAT,
        "exported_at": now.isoformat(),
        "contacts": [_row(c) for c in session.scalars(select(Contact).where(Contact.id.in_(ids)))],
        "identities": [
            _row(i) for i in session.scalars(select(ContactIdentity).where(ContactIdentity.contact_id.in_(ids)))
        ],
        "posts": [_row(p) for p in posts],
        "conversations": [_row(c) | {"messages": by_conversation.get(c.id, [])} for c in conversations],
        "reply_reviews": [_row(r) for r in reviews],
        "article_followups": [_row(f) for f in followups],
    }


def _row(record: object) -> dict[str, Any]:
    """A mapped row's columns as JSON values (times as ISO 8601)."""
    out: dict[str, Any] = {}
    for attr in inspect(record).mapper.column_attrs:
        value = getattr(record, attr.key)
        out[attr.key] = value.isoformat() if isinstance(value, datetime) else value
    return out
