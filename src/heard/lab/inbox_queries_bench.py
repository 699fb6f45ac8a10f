"""`heard bench inbox-queries`: how fast the inbox's queries answer with many conversations stored (the pages
over HTTP, under concurrent requests, are `heard bench inbox`).

Fills a fresh database with generated conversations (each with a customer post and a message, judged, some
assigned, most resolved as in a real inbox's history), then times the queries behind the inbox pages.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, insert, text
from sqlalchemy.orm import Session

from heard.accounts.agents import add_agent
from heard.app import Runtime, build_runtime
from heard.conversations.models import Conversation, Message, PostRecord
from heard.inbox.queries import InboxFilter, get_conversation, list_conversations
from heard.settings import Settings

WORDS = (
    *("refund", "parcel", "delayed", "login", "app", "crash", "flight"),
    *("cancelled", "baggage", "charge", "card", "wifi", "router", "bill"),
)
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _rows(start: int, count: int, rng: random.Random) -> tuple[list[dict[str, Any]], ...]:
    conversations, posts, messages = [], [], []
    for n in range(start, start + count):
        created = NOW - timedelta(seconds=rng.randint(0, 90 * 86400))
        waiting = rng.random() < 0.7
        status = rng.choices(["resolved", "open", "pending", "snoozed"], [60, 30, 5, 5])[0]
        text = " ".join(rng.choices(WORDS, k=6)) + f" order{n}"
        conversations.append(
            {"id": n, "network": rng.choice(["twitter", "mastodon", "bluesky", "reddit"]),
             "root_external_id": f"r{n}", "status": status, "priority": 1 if rng.random() < 0.01 else 0,
             "urgency": rng.choice([None, None, 0, 1, 2, 3]), "first_customer_text": text,
             "customer_handle": f"user{n}", "incoming_count": 1, "outgoing_count": 0, "created_at": created,
             "last_activity_at": created, "waiting_since": created if waiting else None,
             "snoozed_until": NOW + timedelta(hours=rng.randint(-5, 5)) if status == "snoozed" else None,
             "assignee_id": rng.choice([None, None, None, 1, 2])}
        )  # fmt: skip
        posts.append(
            {"id": n, "network": "twitter", "external_id": f"p{n}", "author_id": f"a{n}",
             "author_handle": f"user{n}", "text": text, "created_at": created, "ingested_at": created,
             "conversation_id": n, "is_brand": False, "sentiment": rng.choice(["negative", "neutral", "positive"]),
             "language": rng.choice(["en", "en", "en", "es", "fr"])}
        )  # fmt: skip
        messages.append(
            {"id": n, "conversation_id": n, "post_id": n, "direction": "incoming", "author_handle": f"user{n}",
             "text": text, "created_at": created}
        )  # fmt: skip
    return conversations, posts, messages


def fill(runtime: Runtime, count: int, seed: int = 7, chunk: int = 10_000) -> None:
    rng = random.Random(seed)
    with runtime.sessions.begin() as session:
        for name in ("ann", "bo"):
            add_agent(session, f"{name}@example.com", "agent", NOW, "bench password 123")
    tables = [cast(Table, m.__table__) for m in (Conversation, PostRecord, Message)]
    for start in range(1, count + 1, chunk):
        batch = _rows(start, min(chunk, count + 1 - start), rng)
        with runtime.engine.begin() as conn:
            for table, rows in zip(tables, batch, strict=True):
                conn.execute(insert(table), rows)


def _time(runtime: Runtime, query: Callable[[Session], object], repeat: int) -> dict[str, float]:
    samples = []
    for _ in range(repeat):
        with runtime.sessions() as session:
            started = time.perf_counter()
            query(session)
            samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"p50_ms": round(statistics.median(samples), 2), "max_ms": round(samples[-1], 2)}


QUERIES: dict[str, Callable[[Session], object]] = {
    "to do, first page": lambda s: list_conversations(s, InboxFilter(status="active"), now=NOW),
    "to do, offset 5000": lambda s: list_conversations(s, InboxFilter(status="active"), offset=5000, now=NOW),
    "all, first page": lambda s: list_conversations(s, InboxFilter(), now=NOW),
    "mine (assignee)": lambda s: list_conversations(s, InboxFilter(status="active", assignee=1), now=NOW),
    "network + sentiment + language": lambda s: list_conversations(
        s, InboxFilter(status="active", network="mastodon", sentiment="negative", language="es"), now=NOW
    ),
    "search, common word": lambda s: list_conversations(s, InboxFilter(search="refund"), now=NOW),
    "search, rare word": lambda s: list_conversations(s, InboxFilter(search="order4242"), now=NOW),
    "search, @handle": lambda s: list_conversations(s, InboxFilter(search="@user4242"), now=NOW),
    "conversation page": lambda s: get_conversation(s, 4242),
}


def run(conversations: int, repeat: int, database_url: str | None = None) -> dict[str, Any]:
    """Fill a database (`database_url`, else a temporary SQLite file) with `conversations` generated ones, then
    time each of QUERIES `repeat` times (median and slowest, ms)."""
    with tempfile.TemporaryDirectory() as tmp:
        runtime = build_runtime(Settings(database_url=database_url or f"sqlite:///{tmp}/inbox.db"))
        started = time.perf_counter()
        fill(runtime, conversations)
        if runtime.engine.dialect.name == "postgresql":
            with runtime.engine.begin() as conn:
                conn.execute(text("ANALYZE"))  # what autovacuum does on a live database
        filled = time.perf_counter() - started
        figures: dict[str, Any] = {"conversations": conversations, "backend": runtime.engine.dialect.name}
        figures["fill_seconds"] = round(filled, 1)
        figures["queries"] = {name: _time(runtime, query, repeat) for name, query in QUERIES.items()}
        runtime.close()
    return figures
