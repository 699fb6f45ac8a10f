"""Agents tag conversations (rules tag them too, `heard.rules`): add and remove, recorded in the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from heard.accounts.agents import AgentIdentity
from heard.audit.trail import Actor, record
from heard.conversations.models import Conversation
from heard.db.unit import emit
from heard.errors import NotFound
from heard.events import ConversationUpdated
from heard.rules.actions import clean_tag
from heard.rules.tags import add_tags, remove_tags, tags_for


def tag_conversations(
    session: Session,
    conversation_ids: Sequence[int],
    *,
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
    by: AgentIdentity,
    now: datetime,
) -> dict[int, list[str]]:
    """Add and remove tags on one or more conversations; returns each one's tags afterwards."""
    adding = [clean_tag(t) for t in add if t.strip()]
    removing = [clean_tag(t) for t in remove if t.strip()]
    for cid in conversation_ids:
        if session.get(Conversation, cid) is None:
            raise NotFound(f"no conversation {cid}")
    added = add_tags(session, conversation_ids, adding, now)
    removed = remove_tags(session, conversation_ids, removing)
    if added or removed:
        emit(session, *(ConversationUpdated(cid) for cid in conversation_ids))
        for cid in conversation_ids:
            detail = {"added": adding, "removed": removing}
            record(session, Actor(by.id, by.email), "conversation.tagged", "conversation", cid, detail, at=now)
    return tags_for(session, conversation_ids)
