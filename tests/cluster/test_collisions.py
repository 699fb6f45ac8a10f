"""What two workers' transactions do to each other on PostgreSQL, one collision at a time and deterministically:
the first transaction is held open while the second runs in a thread, then the first commits."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from heard.conversations.contacts import ensure_contacts
from heard.conversations.models import Contact, Conversation
from heard.conversations.state import load_states, save_states
from heard.db.engine import make_engine, session_factory
from heard.db.migrate import upgrade
from heard.ingest.actions import lock_threads, store_batch
from heard.posts import Post, RawPost
from tests.conftest import database_url

pytestmark = pytest.mark.postgres
T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@pytest.fixture
def pg_sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    with database_url("postgresql", tmp_path) as url:
        engine: Engine = make_engine(url)
        upgrade(engine)
        yield session_factory(engine)
        engine.dispose()


def post(external_id: str, author: str = "ana", reply_to: str | None = None, minutes: int = 0) -> Post:
    raw = RawPost(
        network="twitter",
        external_id=external_id,
        author_id=author,
        author_handle=author,
        text=f"post {external_id}",
        created_at=T0 + timedelta(minutes=minutes),
        in_reply_to=reply_to,
    )
    return Post(raw=raw, text=raw.text)


def while_open(
    sessions: sessionmaker[Session], first: Callable[[Session], Any], second: Callable[[Session], Any]
) -> Any:
    """Run `first` in a transaction left open, `second` in another thread's transaction, then commit the first;
    returns what `second` returned (or raises what it raised)."""
    out: dict[str, Any] = {}

    def run_second() -> None:
        try:
            with sessions.begin() as session:
                out["value"] = second(session)
        except Exception as exc:  # handed to the test thread
            out["error"] = exc

    with sessions.begin() as session:
        first(session)
        thread = threading.Thread(target=run_second)
        thread.start()
        thread.join(1.0)  # the second now waits on the first's locks (or has already failed)
    thread.join(30)
    if "error" in out:
        raise out["error"]
    return out["value"]


def test_a_contact_created_by_two_workers_at_once_is_one_contact(pg_sessions: sessionmaker[Session]) -> None:
    posts = [post("1"), post("2", author="bo")]
    ids = while_open(pg_sessions, lambda s: ensure_contacts(s, posts, T0), lambda s: ensure_contacts(s, posts, T0))
    with pg_sessions() as session:
        assert ids == ensure_contacts(session, posts, T0)
        assert session.execute(select(func.count()).select_from(Contact)).scalar_one() == 2


def test_two_workers_adding_to_one_conversation_both_count(pg_sessions: sessionmaker[Session]) -> None:
    with pg_sessions.begin() as session:
        store_batch(session, [post("1")], T0)
        cid = session.execute(select(Conversation.id)).scalar_one()

    def add_incoming(session: Session) -> None:
        states = load_states(session, [cid])
        states[cid].add_incoming(T0 + timedelta(minutes=5), None)
        save_states(session, states)

    while_open(pg_sessions, add_incoming, add_incoming)
    with pg_sessions() as session:
        assert session.get_one(Conversation, cid).incoming_count == 3


def test_a_reply_stored_while_its_parent_is_being_stored_joins_its_conversation(
    pg_sessions: sessionmaker[Session],
) -> None:
    def store(*posts: Post) -> Callable[[Session], Any]:
        def run(session: Session) -> Any:
            lock_threads(session, posts)
            return store_batch(session, list(posts), T0)

        return run

    while_open(pg_sessions, store(post("1")), store(post("2", author="bo", reply_to="1", minutes=3)))
    with pg_sessions() as session:
        assert session.execute(select(func.count()).select_from(Conversation)).scalar_one() == 1
