"""Full-text search over published articles: FTS5 (bm25) on SQLite, tsvector (ts_rank) on PostgreSQL.

User text never reaches the query language: it is cut into words (letters and digits only) and each word is
quoted (FTS5) or is already inert (to_tsquery of \\w+), so any input is a valid query and no input is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from heard.knowledge.markdown import plain_text
from heard.knowledge.models import PUBLISHED, Article

MAX_TERMS = 12
MAX_RESULTS = 50
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_NOISE = re.compile(r"(?:https?://\S+|[@#]\w+)")
#: Words too common to tell articles apart; dropped from suggestion queries (search keeps what people typed).
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "just",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "this",
        "to",
        "too",
        "up",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
        "im",
        "dont",
        "cant",
        "hi",
        "hey",
        "hello",
        "please",
        "thanks",
        "thank",
        "still",
        "get",
        "got",
        "help",
        "any",
        "anyone",
        "been",
    ]
)
PG_DOCUMENT = (
    "to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(body_md, ''))"
)


@dataclass(frozen=True)
class Hit:
    """A published article that matched, with a plain-text snippet."""

    article: Article
    snippet: str


def words(query: str, drop_stopwords: bool = False) -> list[str]:
    raw = _NOISE.sub(" ", query if isinstance(query, str) else "")
    found: list[str] = []
    for word in _WORD.findall(raw.lower()):
        if not word or word in found or (drop_stopwords and (word in STOPWORDS or len(word) < 3)):
            continue
        found.append(word[:40])
        if len(found) == MAX_TERMS:
            break
    return found


def search(session: Session, query: str, limit: int = 20) -> list[Hit]:
    """Published articles matching every word of `query` (the last word as a prefix), best first."""
    terms = words(query)
    return _run(session, terms, every=True, limit=limit) if terms else []


def suggest(session: Session, post_text: str, limit: int = 3) -> list[Hit]:
    """The published articles that best match a customer's post: any of its telling words, best first."""
    terms = words(post_text, drop_stopwords=True)
    return _run(session, terms, every=False, limit=limit) if terms else []


def _run(session: Session, terms: list[str], every: bool, limit: int) -> list[Hit]:
    limit = max(1, min(limit, MAX_RESULTS))
    if session.get_bind().dialect.name == "sqlite":
        ids = _sqlite_ids(session, terms, every, limit)
    else:
        ids = _pg_ids(session, terms, every, limit)
    if not ids:
        return []
    rows = {a.id: a for a in session.query(Article).filter(Article.id.in_(ids), Article.status == PUBLISHED)}
    return [Hit(rows[i], rows[i].summary or plain_text(rows[i].body_md, 200)) for i in ids if i in rows]


def _sqlite_ids(session: Session, terms: list[str], every: bool, limit: int) -> list[int]:
    quoted = [f'"{t}"' for t in terms]
    quoted[-1] += "*"  # people search as they type: the last word may be unfinished
    match = (" AND " if every else " OR ").join(quoted)
    sql = text(
        "SELECT a.id FROM search_articles JOIN articles a ON a.id = search_articles.rowid "
        "WHERE search_articles MATCH :match AND a.status = :published "
        "ORDER BY bm25(search_articles, 8.0, 3.0, 1.0), a.id LIMIT :limit"
    )
    return [int(r[0]) for r in session.execute(sql, {"match": match, "published": PUBLISHED, "limit": limit})]


def _pg_ids(session: Session, terms: list[str], every: bool, limit: int) -> list[int]:
    parts = [*terms[:-1], f"{terms[-1]}:*"]
    tsquery = (" & " if every else " | ").join(parts)
    sql = text(
        f"SELECT id FROM articles WHERE {PG_DOCUMENT} @@ to_tsquery('simple', :q) AND status = :published "
        f"ORDER BY ts_rank({PG_DOCUMENT}, to_tsquery('simple', :q)) DESC, id LIMIT :limit"
    )
    return [int(r[0]) for r in session.execute(sql, {"q": tsquery, "published": PUBLISHED, "limit": limit})]
