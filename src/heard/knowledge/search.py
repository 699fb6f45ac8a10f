"""Full-text search over published articles: FTS5 (bm25) on SQLite, tsvector (ts_rank) on PostgreSQL.

User text never reaches the query language: it is cut into words (letters and digits only) and each word is
quoted (FTS5) or is already inert (to_tsquery of \\w+), so any input is a valid query and no input is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from heard.db.accents import fold, folded_sql
from heard.knowledge.markdown import plain_text
from heard.knowledge.models import PUBLISHED, Article
from heard.knowledge.slugs import is_slug

MAX_TERMS = 12
MAX_RESULTS = 50
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_NOISE = re.compile(r"(?:https?://\S+|[@#]\w+)")
#: Words too common to tell articles apart; dropped from suggestion queries (search keeps what people typed). The
#: last line is what every complaint about any app says; they made most of the wrong suggestions on twcs.
STOPWORDS = frozenset(
    """a about above after again against all also am an and any anyone anything are as at back be because been before
    being below between both but by can cant could did didnt do does doesnt doing dont down during each even ever
    every few for from further get gets getting go going got had has have having he her here hers him his how i id if
    im in into is isnt it its ive just know last like make many me more most much my need never new no nor not now of
    off on once one only or other our out over own please really right said same say see she should since so some
    still such sure take than thank thanks that the their them then there these they thing think this those through
    time to today too try trying under until up us use very want was way we well were what when where which while who
    why will with without would yes yet you your hi hey hello help guys ok okay lol omg
    app apps update updated updates updating latest version device phone issue issues problem problems work works
    working fix fixed order""".split()  # noqa: SIM905 - a word list reads better as text
)
#: A suggestion shares this many of the post's telling words with the problem's words in the article's title or
#: summary (or one of them, and more than this many anywhere in it).
MIN_SHARED_WORDS = 2
#: The expression the GIN index holds (migration inbox_search_accents): accents folded as the query's words are.
PG_DOCUMENT = "to_tsvector('simple', {})".format(
    folded_sql("coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(body_md, '')")
)


@dataclass(frozen=True)
class Hit:
    """A published article that matched, with a plain-text snippet."""

    article: Article
    snippet: str


def words(query: str, drop_stopwords: bool = False) -> list[str]:
    raw = _NOISE.sub(" ", query if isinstance(query, str) else "")
    found: list[str] = []
    for word in _WORD.findall(fold(raw)):
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
    """The published articles that best match a customer's post, best first: each shares at least
    MIN_SHARED_WORDS of the post's telling words, one of them in its title, summary, product or category (one
    common word in the body is not a match: measured on the twcs sample, it suggested an article for 44 % of
    unrelated posts)."""
    terms = words(post_text, drop_stopwords=True)
    if len(terms) < MIN_SHARED_WORDS:
        return []
    hits = _run(session, terms, every=False, limit=max(limit * 3, 10))
    return [h for h in hits if _shares_enough(h.article, set(terms))][:limit]


def _shares_enough(article: Article, terms: set[str]) -> bool:
    # The product's own name ("iOS", "Spotify") says which product, not which problem: it counts, but a match
    # also needs a word of the problem from the title or summary.
    product = set(_WORD.findall(fold(f"{article.product or ''} {article.category or ''}")))
    head = set(_WORD.findall(fold(f"{article.title} {article.summary}"))) - product
    body = set(_WORD.findall(fold(plain_text(article.body_md, 20_000))))
    shared = terms & (head | product | body)
    return len(shared & head) >= MIN_SHARED_WORDS or (len(shared & head) == 1 and len(shared) > MIN_SHARED_WORDS)


def _run(session: Session, terms: list[str], every: bool, limit: int) -> list[Hit]:
    limit = max(1, min(limit, MAX_RESULTS))
    if session.get_bind().dialect.name == "sqlite":
        ids = _sqlite_ids(session, terms, every, limit)
    else:
        ids = _pg_ids(session, terms, every, limit)
    if not ids:
        return []
    rows = {a.id: a for a in session.query(Article).filter(Article.id.in_(ids), Article.status == PUBLISHED)}
    found = [rows[i] for i in ids if i in rows and is_slug(rows[i].slug)]
    return [Hit(a, a.summary or plain_text(a.body_md, 200)) for a in found]


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
