"""The inbox stays fast as conversations pile up: checked by query plan here, measured by
`heard bench inbox-queries`."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from heard.clock import FrozenClock
from heard.conversations.models import Conversation
from heard.inbox.queries import InboxFilter, _filtered, queue_order


def _sqlite_plan(session: Session, chosen: InboxFilter, now: datetime) -> str:
    query = _filtered(session, select(Conversation), chosen, now).order_by(*queue_order()).limit(51)
    sql = str(query.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
    return " | ".join(str(row[-1]) for row in session.execute(text("EXPLAIN QUERY PLAN " + sql)))


@pytest.mark.parametrize("status", ["active", "open", "resolved", None])
def test_the_queue_walks_its_index_instead_of_sorting(
    sessions: sessionmaker[Session], clock: FrozenClock, status: str | None
) -> None:
    with sessions() as session:
        if session.get_bind().dialect.name != "sqlite":
            pytest.skip("PostgreSQL plans from statistics; see heard bench inbox-queries --database-url")
        plan = _sqlite_plan(session, InboxFilter(status=status, network="twitter"), clock.now())
    assert "ix_conversations_queue_expr" in plan
    assert "TEMP B-TREE" not in plan
