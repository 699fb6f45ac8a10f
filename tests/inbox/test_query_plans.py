"""The inbox reads from indexes: every statement the first page, each filter, search, the conversation page and
the menus run is EXPLAINed on SQLite and PostgreSQL, and a plan that scans a big table (or sorts all of it) fails.
The statement count of a page is fixed too: no query per row."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, text
from sqlalchemy.orm import Session, sessionmaker

from heard.conversations.models import Conversation
from heard.inbox.queries import (
    InboxFilter,
    customer_context,
    get_conversation,
    list_conversations,
    list_networks,
)
from heard.ingest.actions import store_batch
from heard.lab.synthetic_posts import synthetic_posts
from heard.posts import Post

BIG = ("conversations", "posts", "messages", "contacts", "contact_identities")
NOW = datetime(2026, 1, 6, tzinfo=UTC)


@pytest.fixture
def filled(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    posts = [Post(raw=p, text=p.text, sentiment="negative", language="en") for p in synthetic_posts(400, seed=2)]
    with sessions.begin() as session:
        store_batch(session, posts, NOW)
    with sessions.begin() as session:
        # Statistics, as a running installation has them (PostgreSQL's autovacuum; SQLite's `PRAGMA optimize`).
        session.execute(text("ANALYZE"))
    return sessions


@contextmanager
def captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def remember(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT") or statement.lstrip().upper().startswith("WITH"):
            seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", remember)


def bad_steps(session: Session, statement: str, params: Any) -> list[str]:
    """The steps of the statement's plan that read a big table whole or sort all of its rows."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
        details = [row[3] for row in rows]
        # SCAN walks a whole table or index; only a walk in the order asked, stopped by a LIMIT, reads no more
        # than it shows. SEARCH is an index lookup.
        limited = " LIMIT " in statement.upper()
        return [
            d for d in details if d.startswith("SCAN ") and d.split()[1] in BIG and ("INDEX" not in d or not limited)
        ]
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, params).scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    found: list[str] = []

    def walk(node: dict[str, Any], limited: bool) -> None:
        kind, table = node["Node Type"], node.get("Relation Name")
        limited = limited or kind == "Limit"
        if table in BIG and kind == "Seq Scan":
            found.append(f"Seq Scan on {table}")
        # An index walked end to end (no condition on it, no LIMIT above it) reads the whole table too.
        if table in BIG and kind in ("Index Scan", "Index Only Scan") and "Index Cond" not in node and not limited:
            found.append(f"{kind} on {table} without a condition or limit")
        for child in node.get("Plans", []):
            walk(child, limited)

    walk(plan[0]["Plan"], False)
    return found


def plans_of(sessions: sessionmaker[Session], action: Callable[[Session], object]) -> tuple[int, list[str]]:
    engine = sessions.kw["bind"]
    with sessions() as session, captured(engine) as seen:
        action(session)
    with sessions.begin() as session:
        bad = [
            f"{step}: {statement[:300]}" for statement, params in seen for step in bad_steps(session, statement, params)
        ]
    return len(seen), bad


FILTERS = {
    "first page": InboxFilter(status="active"),
    "all": InboxFilter(),
    "resolved": InboxFilter(status="resolved"),
    "network": InboxFilter(status="active", network="twitter"),
    "sentiment": InboxFilter(status="active", sentiment="negative"),
    "language": InboxFilter(status="active", language="en"),
    "brand": InboxFilter(status="active", brand="delta"),
    "unassigned": InboxFilter(status="active", assignee="none"),
    "assignee": InboxFilter(status="active", assignee=1),
    "search": InboxFilter(status="active", search="refund"),
    "handle": InboxFilter(status="active", search="@cust3"),
}


@pytest.mark.parametrize("name", list(FILTERS))
def test_each_queue_view_reads_from_indexes(filled: sessionmaker[Session], name: str) -> None:
    count, bad = plans_of(filled, lambda s: list_conversations(s, FILTERS[name], 0, 50, NOW))
    assert bad == []
    assert count <= 4, "a fixed number of statements, whatever the page holds"


def test_the_conversation_page_and_its_context_read_from_indexes(filled: sessionmaker[Session]) -> None:
    with filled() as session:
        cid = session.scalars(select(Conversation.id).order_by(Conversation.incoming_count.desc()).limit(1)).one()

    def page(session: Session) -> None:
        view = get_conversation(session, cid)
        assert view is not None
        customer_context(session, view.conversation)

    count, bad = plans_of(filled, page)
    assert bad == []
    assert count <= 7


def test_the_network_menu_reads_only_the_networks(filled: sessionmaker[Session]) -> None:
    count, bad = plans_of(filled, list_networks)
    assert bad == []
    assert count == 1
