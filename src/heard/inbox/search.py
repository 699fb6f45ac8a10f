"""Full-text search over message text, on SQLite (FTS5) and PostgreSQL (tsvector + GIN), from one function.

The search box is hostile input too: it is never passed to MATCH or to_tsquery as written. Only its words
(letters, digits, underscore) are kept, each searched as a prefix, all required; anything else is dropped, so
no input can be a syntax error or an injection.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, column, func, literal_column, select, text
from sqlalchemy.orm import Session

from heard.inbox.models import Message

MAX_TERMS = 8
MAX_TERM_CHARS = 64
#: A search that matches more messages than this looks at the first ones only: a word in every post is not a
#: search, and the inbox must answer fast anyway.
MAX_MATCHES = 10_000
_WORD = re.compile(r"\w+", re.UNICODE)
# A literal, not a bound parameter: the planner uses the GIN index only for the very expression it indexes.
_SIMPLE: ColumnElement[Any] = literal_column("'simple'::regconfig")


def search_terms(query: str) -> list[str]:
    return [w[:MAX_TERM_CHARS].lower() for w in _WORD.findall(query or "")][:MAX_TERMS]


def fts5_query(terms: list[str]) -> str:
    return " ".join(f'"{t}"*' for t in terms)


def tsquery(terms: list[str]) -> str:
    return " & ".join(f"{t}:*" for t in terms)


def matching_conversations(session: Session, terms: list[str]) -> Select[Any]:
    """A subquery of the ids of conversations with a message containing every term (as a word prefix)."""
    if session.get_bind().dialect.name == "postgresql":
        matched = (
            select(Message.conversation_id)
            .where(func.to_tsvector(_SIMPLE, Message.text).op("@@")(func.to_tsquery(_SIMPLE, tsquery(terms))))
            .limit(MAX_MATCHES)
        )
        return select(matched.subquery().c.conversation_id)
    ids = (
        text("SELECT rowid FROM messages_fts WHERE messages_fts MATCH :q LIMIT :n")
        .bindparams(q=fts5_query(terms), n=MAX_MATCHES)
        .columns(column("rowid", Integer))
    )
    return select(Message.conversation_id).where(Message.id.in_(ids))
