"""Teams: create one, put an agent in one (routing assigns within a team, `heard.inbox.routing`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.accounts.models import Agent, Team
from heard.errors import BadInput, Conflict, NotFound


def create_team(session: Session, name: str) -> Team:
    value = " ".join(name.split())
    if not value or len(value) > 128:
        raise BadInput("a team needs a name of 1 to 128 characters")
    if session.scalar(select(Team.id).where(Team.name == value)) is not None:
        raise Conflict(f"there is a team {value!r} already")
    team = Team(name=value)
    session.add(team)
    session.flush()
    return team


def set_agent_team(session: Session, agent_id: int, team_id: int | None) -> None:
    agent = session.get(Agent, agent_id)
    if agent is None:
        raise NotFound(f"no agent {agent_id}")
    if team_id is not None and session.get(Team, team_id) is None:
        raise NotFound(f"no team {team_id}")
    agent.team_id = team_id
    session.flush()


def list_teams(session: Session) -> list[Team]:
    return list(session.scalars(select(Team).order_by(Team.name)))
