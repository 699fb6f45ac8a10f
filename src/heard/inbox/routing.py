"""Automatic assignment by team: round robin or least open conversations first, skipping agents who are away and
agents at their capacity; when an agent goes away, their open conversations go to the team again.

A team routes only when its mode is set (`team_routing`); a conversation is routed when it is open, has a team
(a rule gives it one, `heard.rules`) and nobody has it. The pipeline worker routes the conversations each batch
touched, right after the rules ran.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from heard.accounts.models import Agent, Team
from heard.audit.trail import Actor, record
from heard.conversations.models import Conversation
from heard.db.base import Base, UTCDateTime
from heard.db.unit import emit
from heard.errors import BadInput, NotFound
from heard.events import ConversationAssigned

MODES = ("off", "round_robin", "least_open")
ROUTING = Actor(None, "routing")
#: `by_agent_id` of an assignment routing made (no agent did it).
ROUTED_BY = 0
_WORKING = ("open", "pending")


class TeamRouting(Base):
    __tablename__ = "team_routing"
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    mode: Mapped[str] = mapped_column(String(16), default="off")
    #: The agent round robin gave the last conversation to.
    last_agent_id: Mapped[int | None] = mapped_column(Integer)


class Availability(Base):
    """Whether an agent takes new conversations (`away`), and how many open ones they hold at most (None: no
    limit)."""

    __tablename__ = "agent_availability"
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True)
    away: Mapped[bool] = mapped_column(Boolean, default=False)
    capacity: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


def set_team_mode(session: Session, team_id: int, mode: str, by: Actor, now: datetime) -> None:
    if mode not in MODES:
        raise BadInput(f"routing is one of {', '.join(MODES)}")
    if session.get(Team, team_id) is None:
        raise NotFound(f"no team {team_id}")
    row = session.get(TeamRouting, team_id) or TeamRouting(team_id=team_id)
    row.mode = mode
    session.add(row)
    session.flush()
    record(session, by, "routing.changed", "team", team_id, {"mode": mode}, at=now)


def set_availability(
    session: Session,
    agent_id: int,
    *,
    by: Actor,
    now: datetime,
    away: bool | None = None,
    capacity: int | None = None,
    clear_capacity: bool = False,
) -> list[int]:
    """Change an agent's availability; going away hands their open conversations back to routing. Returns the
    conversations that moved."""
    if session.get(Agent, agent_id) is None:
        raise NotFound(f"no agent {agent_id}")
    if capacity is not None and not 0 <= capacity <= 10_000:
        raise BadInput("capacity: 0 to 10,000 open conversations")
    row = session.get(Availability, agent_id) or Availability(agent_id=agent_id, away=False)
    was_away = bool(row.away)
    if away is not None:
        row.away = away
    if capacity is not None or clear_capacity:
        row.capacity = capacity
    row.updated_at = now
    session.add(row)
    session.flush()
    record(session, by, "availability.changed", "agent", agent_id, {"away": row.away, "capacity": row.capacity}, at=now)
    if row.away and not was_away:
        return reassign_from(session, agent_id, now)
    return []


def reassign_from(session: Session, agent_id: int, now: datetime) -> list[int]:
    """An agent went away: each of their open conversations is unassigned and routed to their team again (the
    conversation's team, else the agent's)."""
    agent = session.get(Agent, agent_id)
    held = session.scalars(
        select(Conversation).where(Conversation.assignee_id == agent_id, Conversation.status.in_(_WORKING))
    ).all()
    for conversation in held:
        conversation.assignee_id = None
        if conversation.team_id is None and agent is not None:
            conversation.team_id = agent.team_id
        emit(session, ConversationAssigned(conversation.id, None, ROUTED_BY))
    session.flush()
    route(session, [c.id for c in held], now)
    return [c.id for c in held]


def _open_counts(session: Session, agent_ids: list[int]) -> dict[int, int]:
    rows = session.execute(
        select(Conversation.assignee_id, func.count())
        .where(Conversation.assignee_id.in_(agent_ids), Conversation.status.in_(_WORKING))
        .group_by(Conversation.assignee_id)
    )
    return {int(a or 0): int(n) for a, n in rows}


def _candidates(session: Session, team_id: int) -> list[tuple[int, int | None]]:
    """Agents of the team who work conversations and are not away, with their capacity, by id."""
    rows = session.execute(
        select(Agent.id, Availability.capacity)
        .outerjoin(Availability, Availability.agent_id == Agent.id)
        .where(
            Agent.team_id == team_id,
            Agent.role.in_(("agent", "admin")),
            func.coalesce(Availability.away, False).is_(False),
        )
        .order_by(Agent.id)
    )
    return [(int(a), c) for a, c in rows]


def _choose(
    mode: str, candidates: list[tuple[int, int | None]], counts: dict[int, int], last: int | None
) -> int | None:
    free = [a for a, cap in candidates if cap is None or counts.get(a, 0) < cap]
    if not free:
        return None
    if mode == "least_open":
        return min(free, key=lambda a: (counts.get(a, 0), a))
    after = [a for a in free if last is not None and a > last]
    return (after or free)[0]


def route(session: Session, conversation_ids: Iterable[int], now: datetime) -> dict[int, int]:
    """Give each routable conversation among `conversation_ids` to an agent of its team; returns who got which.
    One query when no team routes."""
    on = select(TeamRouting.team_id, TeamRouting.mode).where(TeamRouting.mode != "off")
    modes: dict[int, str] = dict(session.execute(on).all())
    ids = list(conversation_ids)
    if not modes or not ids:
        return {}
    waiting = session.scalars(
        select(Conversation)
        .where(
            Conversation.id.in_(ids),
            Conversation.assignee_id.is_(None),
            Conversation.team_id.in_(list(modes)),
            Conversation.status.in_(_WORKING),
        )
        .order_by(Conversation.id)
    ).all()
    given: dict[int, int] = {}
    for conversation in waiting:
        team_id = int(conversation.team_id or 0)
        candidates = _candidates(session, team_id)
        counts = _open_counts(session, [a for a, _ in candidates])
        setting = session.get(TeamRouting, team_id)
        last = setting.last_agent_id if setting else None
        chosen = _choose(modes[team_id], candidates, counts, last)
        if chosen is None:
            continue  # everyone is away or full: it waits in the team's queue
        conversation.assignee_id = chosen
        if setting is not None:
            setting.last_agent_id = chosen
        session.flush()
        given[conversation.id] = chosen
        emit(session, ConversationAssigned(conversation.id, chosen, ROUTED_BY))
        record(
            session, ROUTING, "conversation.assigned", "conversation", conversation.id, {"assignee_id": chosen}, at=now
        )
    return given


def route_waiting(session: Session, now: datetime) -> dict[int, int]:
    """Route every open, unassigned conversation of a routing team (after an agent comes back, or capacity frees)."""
    ids = session.scalars(
        select(Conversation.id).where(
            Conversation.assignee_id.is_(None),
            Conversation.team_id.is_not(None),
            Conversation.status.in_(_WORKING),
        )
    ).all()
    return route(session, ids, now)
