"""Collision warnings: which other agents have a conversation open, and which of them are typing in it.

Presence lives in a small table (not in process memory) so that agents served by different web processes see
each other. Open pages send heartbeats; a row counts while its heartbeat is fresh, so a closed laptop lid
needs no cleanup to stop warning anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from heard.accounts.models import Agent
from heard.inbox.models import Presence

VIEWING_FOR = timedelta(seconds=20)
TYPING_FOR = timedelta(seconds=6)


@dataclass(frozen=True, slots=True)
class Colleague:
    agent_id: int
    name: str
    typing: bool


def _upsert(session: Session, values: dict[str, Any], update: dict[str, Any]) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Presence).values(**values)
    session.execute(statement.on_conflict_do_update(index_elements=["conversation_id", "agent_id"], set_=update))


def mark_viewing(session: Session, conversation_id: int, agent_id: int, now: datetime) -> None:
    values = {"conversation_id": conversation_id, "agent_id": agent_id, "seen_at": now, "typing_at": None}
    _upsert(session, values, {"seen_at": now})


def mark_typing(session: Session, conversation_id: int, agent_id: int, now: datetime) -> None:
    values = {"conversation_id": conversation_id, "agent_id": agent_id, "seen_at": now, "typing_at": now}
    _upsert(session, values, {"seen_at": now, "typing_at": now})


def leave(session: Session, conversation_id: int, agent_id: int) -> None:
    session.execute(delete(Presence).where(Presence.conversation_id == conversation_id, Presence.agent_id == agent_id))


def colleagues_on(session: Session, conversation_id: int, me: int, now: datetime) -> list[Colleague]:
    """The other agents with this conversation open, by name; typing ones first."""
    rows = session.execute(
        select(Presence.agent_id, Agent.name, Presence.typing_at)
        .join(Agent, Agent.id == Presence.agent_id)
        .where(
            Presence.conversation_id == conversation_id,
            Presence.agent_id != me,
            Presence.seen_at >= now - VIEWING_FOR,
        )
    ).all()
    found = [Colleague(a, n, t is not None and t >= now - TYPING_FOR) for a, n, t in rows]
    return sorted(found, key=lambda c: (not c.typing, c.name.lower(), c.agent_id))
