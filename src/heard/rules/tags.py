"""Tags on conversations: add (idempotent), remove, read for many conversations at once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from heard.db.bulk import insert_many, table_of
from heard.db.plain_reads import plain
from heard.rules.models import ConversationTag


def add_tags(
    session: Session, conversation_ids: Iterable[int], tags: Iterable[str], now: datetime, rule_id: int | None = None
) -> int:
    """Put each tag on each conversation (a tag already there stays as it was); returns how many were new."""
    rows = [
        {"conversation_id": cid, "tag": tag, "rule_id": rule_id, "created_at": now}
        for cid in dict.fromkeys(conversation_ids)
        for tag in dict.fromkeys(tags)
    ]
    if not rows:
        return 0
    return len(insert_many(session.connection(), table_of(ConversationTag), rows, ("tag",), skip_conflicts=True))


def remove_tags(session: Session, conversation_ids: Iterable[int], tags: Iterable[str]) -> int:
    ids, chosen = list(conversation_ids), list(tags)
    if not ids or not chosen:
        return 0
    result = session.execute(
        delete(ConversationTag).where(ConversationTag.conversation_id.in_(ids), ConversationTag.tag.in_(chosen))
    )
    return int(getattr(result, "rowcount", 0) or 0)


_TAGS = (
    select(ConversationTag.conversation_id, ConversationTag.tag)
    .where(ConversationTag.conversation_id.in_(bindparam("ids", expanding=True)))
    .order_by(ConversationTag.tag)
)


def tags_for(session: Session, conversation_ids: Iterable[int]) -> dict[int, list[str]]:
    ids = list(conversation_ids)
    out: dict[int, list[str]] = {}
    if not ids:
        return out
    # A plain read (heard.db.plain_reads) of a statement built once: a conversation page asks every time.
    rows = plain(session, _TAGS, {"ids": ids})
    for row in rows:
        out.setdefault(row.conversation_id, []).append(row.tag)
    return out


def tag_counts(session: Session) -> list[tuple[str, int]]:
    """Every tag in use with how many conversations carry it, most used first."""
    rows = session.execute(
        select(ConversationTag.tag, func.count())
        .group_by(ConversationTag.tag)
        .order_by(func.count().desc(), ConversationTag.tag)
    )
    return [(t, int(n)) for t, n in rows]
