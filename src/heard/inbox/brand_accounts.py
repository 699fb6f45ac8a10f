"""Which brand account a customer contacted, for each row of the queue: the agent answers as that account.

In order: the handle of the channel the conversation came in on; else the account that already answered in it;
else the first account the customer's opening post mentions (an import or a replay has no channel handle, and
a customer who writes "@AppleSupport my phone..." has said whom they are talking to). One query each, for a page.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.channels.models import Channel, Inbox
from heard.conversations.models import Conversation, Message, PostRecord


def brand_accounts(session: Session, conversations: Sequence[Conversation]) -> dict[int, str]:
    ids = [c.id for c in conversations]
    if not ids:
        return {}
    found: dict[int, str] = {}
    for cid, handle in session.execute(
        select(Conversation.id, Channel.handle)
        .join(Inbox, Inbox.id == Conversation.inbox_id)
        .join(Channel, Channel.id == Inbox.channel_id)
        .where(Conversation.id.in_(ids), Channel.handle.is_not(None))
    ):
        found[cid] = str(handle).lstrip("@")
    missing = [i for i in ids if i not in found]
    if missing:
        answered = session.execute(
            select(Message.conversation_id, Message.author_handle)
            .where(Message.conversation_id.in_(missing), Message.direction == "outgoing")
            .order_by(Message.id)
        )
        for cid, handle in answered:
            found.setdefault(cid, str(handle).lstrip("@"))
    missing = [i for i in ids if i not in found]
    if missing:
        opening = session.execute(
            select(PostRecord.conversation_id, PostRecord.mentions)
            .where(PostRecord.conversation_id.in_(missing), PostRecord.is_brand.is_(False))
            .order_by(PostRecord.created_at, PostRecord.id)
        )
        for post_conversation, mentions in opening:
            if post_conversation is not None and post_conversation not in found and mentions:
                found[post_conversation] = str(mentions[0]).lstrip("@")
    return found
