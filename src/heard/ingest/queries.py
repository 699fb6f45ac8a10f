"""Read side of ingest: what the store holds, as the import and demo commands report it."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from heard.conversations.models import Conversation, Message, PostRecord
from heard.ingest.models import DeadLetter


def count_dead_letters(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(DeadLetter)).scalar_one())


def ingest_counts(session: Session) -> dict[str, int]:
    """What the store holds, as `heard demo --once --json` reports it."""
    query = select(Message.direction, func.count()).group_by(Message.direction)
    directions = {str(direction): int(count) for direction, count in session.execute(query).all()}
    return {
        "posts": int(session.execute(select(func.count()).select_from(PostRecord)).scalar_one()),
        "conversations": int(session.execute(select(func.count()).select_from(Conversation)).scalar_one()),
        "messages_incoming": int(directions.get("incoming", 0)),
        "messages_outgoing": int(directions.get("outgoing", 0)),
        "dead_letters": count_dead_letters(session),
    }
