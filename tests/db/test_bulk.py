"""The bulk insert fast path stores exactly what SQLAlchemy Core would, and the pipeline's batched search
indexing finds exactly what the per-row trigger would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session, sessionmaker

from heard.conversations.models import Conversation, Message, PostRecord
from heard.conversations.search import bulk_indexed, matching_conversations
from heard.db.base import UTCDateTime
from heard.db.bulk import insert_many, insert_rows, table_of, update_many, utc_datetime_sqlite
from heard.db.engine import session_factory
from heard.ingest.models import DeadLetter

NOW = datetime(2026, 3, 1, 12, 30, 15, 250_000, tzinfo=UTC)


@given(st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=-7)), timezone(timedelta(hours=5))])))
def test_datetime_conversion_is_sqlalchemys(value: datetime) -> None:
    expected = UTCDateTime().dialect_impl(sqlite.dialect()).bind_processor(sqlite.dialect())
    assert expected is not None
    try:
        want = expected(value)
    except OverflowError:
        with pytest.raises(OverflowError):
            utc_datetime_sqlite(value)
        return
    assert utc_datetime_sqlite(value) == want


def _post(external_id: str, **extra: object) -> dict[str, object]:
    row: dict[str, object] = {
        "network": "twitter",
        "external_id": external_id,
        "author_id": "a1",
        "author_handle": "Ann",
        "text": "héllo \U0001f600",
        "created_at": NOW,
        "ingested_at": NOW.astimezone(timezone(timedelta(hours=2))),
        "hashtags": ["refund"],
        "mentions": [],
        "urls": [],
        "intents": [],
        "urgency_reasons": [],
        "is_brand": True,
        "complaint": 0.25,
    }
    row.update(extra)
    return row


def test_fast_path_stores_what_core_stores(sqlite_engine: Engine) -> None:
    """Every column of a row inserted by the fast path (defaults included) reads back as Core's does."""
    table = table_of(PostRecord)
    rows = [_post("1"), _post("2", text="", hashtags=[], complaint=None)]
    with sqlite_engine.begin() as conn:
        returned = insert_many(conn, table, rows, returning=("id", "external_id"))
        conn.execute(insert(table), [{**r, "external_id": f"core{r['external_id']}"} for r in rows])
    assert sorted(e for _, e in returned) == ["1", "2"]
    with sqlite_engine.connect() as conn:
        raw = {r.external_id: r for r in conn.execute(text("SELECT * FROM posts"))}
        typed = {r.external_id: r for r in conn.execute(select(table))}
    for key in ("1", "2"):
        fast, core = raw[key]._asdict(), raw[f"core{key}"]._asdict()
        for name in ("id", "external_id"):
            fast.pop(name), core.pop(name)
        assert fast == core  # the stored text of every value, defaults (is_public, truncated) included
    assert typed["1"].ingested_at == NOW
    assert typed["1"].is_public is True
    assert typed["2"].hashtags == []


def test_fast_path_skips_conflicts_and_reports_only_new_rows(sqlite_engine: Engine) -> None:
    table = table_of(PostRecord)
    with sqlite_engine.begin() as conn:
        insert_many(conn, table, [_post("1")])
        again = insert_many(conn, table, [_post("1"), _post("2"), _post("2")], ("external_id",), skip_conflicts=True)
    assert again == [("2",)]


def test_rows_with_different_keys_get_cores_error(sqlite_engine: Engine) -> None:
    rows = [
        {"source": "s", "stage": "x", "reason": "r", "raw": "{}", "created_at": NOW},
        {"source": "s", "stage": "x", "reason": "r", "created_at": NOW},
    ]
    with pytest.raises(Exception, match="raw"), session_factory(sqlite_engine).begin() as session:
        insert_rows(session, DeadLetter, rows)


def _conversation(session: Session) -> int:
    row = Conversation(
        network="twitter",
        root_external_id="r",
        status="open",
        priority=0,
        first_customer_text="",
        customer_handle="c",
        incoming_count=0,
        outgoing_count=0,
        created_at=NOW,
        last_activity_at=NOW,
    )
    session.add(row)
    session.flush()
    return row.id


def _message(conversation_id: int, body: str) -> dict[str, object]:
    return {
        "conversation_id": conversation_id,
        "direction": "incoming",
        "author_handle": "c",
        "text": body,
        "created_at": NOW,
        "delivery_state": "received",
    }


def _found(sessions: sessionmaker[Session], word: str) -> int:
    with sessions() as session:
        return len(session.execute(matching_conversations(session, [word])).all())


def test_bulk_indexed_messages_are_searchable_and_the_trigger_is_back(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        cid = _conversation(session)
        with bulk_indexed(session):
            insert_rows(session, Message, [_message(cid, "parcel lost"), _message(cid, "refund please")])
        session.add(Message(**_message(cid, "written by an agent")))  # type: ignore[arg-type]
    assert (_found(sessions, "parcel"), _found(sessions, "refund"), _found(sessions, "agent")) == (1, 1, 1)
    with sessions() as session:
        if session.get_bind().dialect.name == "sqlite":
            assert session.execute(text("SELECT count(*) FROM messages_fts_deferred")).scalar_one() == 0
            # The index holds each message once: an integrity check fails on a missing or doubled row.
            session.execute(text("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)"))


def test_a_rolled_back_bulk_leaves_neither_messages_nor_index_entries(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        cid = _conversation(session)

    def failing_store() -> None:
        with sessions.begin() as session, bulk_indexed(session):
            insert_rows(session, Message, [_message(cid, "vanishing words")])
            raise RuntimeError("store failed")

    with pytest.raises(RuntimeError):
        failing_store()
    with sessions.begin() as session:
        assert session.execute(select(func.count()).select_from(Message)).scalar_one() == 0
        session.add(Message(**_message(cid, "later words")))  # type: ignore[arg-type]
    assert (_found(sessions, "vanishing"), _found(sessions, "later")) == (0, 1)


def test_update_many_sets_each_row_by_its_key(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        first, second = _conversation(session), _conversation(session)
        later = NOW + timedelta(minutes=5)
        rows = [
            {"id": first, "incoming_count": 3, "waiting_since": later, "urgency": None},
            {"id": second, "incoming_count": 1, "waiting_since": None, "urgency": 2},
        ]
        update_many(session.connection(), table_of(Conversation), rows, where=("id",))
    with sessions() as session:
        got = {c.id: (c.incoming_count, c.waiting_since, c.urgency) for c in session.scalars(select(Conversation))}
    assert got == {first: (3, later, None), second: (1, None, 2)}
