"""Full-text search over message text, on SQLite (FTS5) and PostgreSQL (tsvector + GIN), from one function.

The search box is hostile input too: it is never passed to MATCH or to_tsquery as written. Only its words
(letters, digits, underscore) are kept, each searched as a prefix, all required; anything else is dropped, so
no input can be a syntax error or an injection.

On SQLite a trigger indexes each message as it is written, so no writer can forget to; the pipeline, which
writes thousands a second, sets that trigger aside for its batch and indexes the batch in one statement
(`bulk_indexed`, migration ingest_bulk_search), which costs a fraction of a trigger per row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, column, func, literal_column, select, text
from sqlalchemy.orm import Session

from heard.conversations.models import Message
from heard.db.accents import ACCENTED, PLAIN, fold, sql_literal

MAX_TERMS = 8
MAX_TERM_CHARS = 64
#: A search that matches more messages than this looks at the first ones only: a word in every post is not a
#: search, and the inbox must answer fast anyway.
MAX_MATCHES = 10_000
_WORD = re.compile(r"\w+", re.UNICODE)
# Literals, not bound parameters: the planner uses the GIN index only for the very expression it indexes
# (migration inbox_search_accents: to_tsvector('simple', translate(lower(text), ACCENTED, PLAIN))).
_SIMPLE: ColumnElement[Any] = literal_column("'simple'::regconfig")
_ACCENTED: ColumnElement[Any] = literal_column(sql_literal(ACCENTED))
_PLAIN: ColumnElement[Any] = literal_column(sql_literal(PLAIN))


@contextmanager
def bulk_indexed(session: Session) -> Iterator[None]:
    """Messages inserted inside the block are indexed for search together when it ends, in the same transaction.

    Messages must only be inserted (not updated or deleted) inside. While the block runs, the flag row makes the
    per-row trigger stand aside; the flag is written in this transaction only, so other connections never see
    it, and a rollback takes the flag and the messages away together."""
    if session.get_bind().dialect.name != "sqlite":
        yield  # PostgreSQL's GIN index follows the table by itself
        return
    # Writing the flag first also takes SQLite's write lock, so every id above `before` is this block's.
    session.execute(text("INSERT INTO messages_fts_deferred (id) VALUES (1)"))
    before = session.execute(text("SELECT coalesce(max(id), 0) FROM messages")).scalar_one()

    def finish() -> None:
        session.execute(
            text("INSERT INTO messages_fts (rowid, text) SELECT id, text FROM messages WHERE id > :before"),
            {"before": before},
        )
        session.execute(text("DELETE FROM messages_fts_deferred"))

    try:
        yield
    except BaseException:
        # Leave the index matching whatever the caller keeps; the caller's error is the one that matters.
        with suppress(Exception):
            finish()
        raise
    finish()


def search_terms(query: str) -> list[str]:
    """The search box's words, lower case and accents off (both indexes hold the text that way)."""
    return [fold(w[:MAX_TERM_CHARS]) for w in _WORD.findall(query or "")][:MAX_TERMS]


def fts5_query(terms: list[str]) -> str:
    return " ".join(f'"{t}"*' for t in terms)


def tsquery(terms: list[str]) -> str:
    return " & ".join(f"{t}:*" for t in terms)


_folded = func.translate(func.lower(Message.text), _ACCENTED, _PLAIN)


def matching_conversations(session: Session, terms: list[str]) -> Select[Any]:
    """A subquery of the ids of conversations with a message containing every term (as a word prefix)."""
    if session.get_bind().dialect.name == "postgresql":
        matched = (
            select(Message.conversation_id)
            .where(func.to_tsvector(_SIMPLE, _folded).op("@@")(func.to_tsquery(_SIMPLE, tsquery(terms))))
            .limit(MAX_MATCHES)
        )
        return select(matched.subquery().c.conversation_id)
    ids = (
        text("SELECT rowid FROM messages_fts WHERE messages_fts MATCH :q LIMIT :n")
        .bindparams(q=fts5_query(terms), n=MAX_MATCHES)
        .columns(column("rowid", Integer))
    )
    return select(Message.conversation_id).where(Message.id.in_(ids))
