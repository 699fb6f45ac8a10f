"""Routing by team: round robin and least open, skipping agents who are away or full; an agent who goes away
hands their open conversations back; the pipeline routes what a rule gave a team (both databases)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from heard.accounts.agents import add_agent
from heard.accounts.models import Agent, Team
from heard.app import Runtime
from heard.audit.trail import CLI
from heard.conversations.models import Conversation
from heard.inbox.routing import route, route_waiting, set_availability, set_team_mode
from heard.rules.manage import create_rule
from tests.audit.test_audit import _client, runtime
from tests.privacy import scenario
from tests.web.conftest import csrf_of
from tests.web.factories import add_conversation

__all__ = ["runtime"]


def _team(runtime: Runtime, mode: str, people: int = 3) -> tuple[int, list[int]]:
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        team = Team(name="Care")
        session.add(team)
        session.flush()
        agents = []
        for n in range(people):
            agent, _ = add_agent(session, f"a{n}@example.com", "agent", now, "a long enough password")
            agent.team_id = team.id
            agents.append(agent.id)
        viewer, _ = add_agent(session, "v@example.com", "viewer", now, "a long enough password")
        viewer.team_id = team.id  # viewers never get conversations
        set_team_mode(session, team.id, mode, CLI, now)
        return team.id, agents


def _conversations(runtime: Runtime, team_id: int, count: int) -> list[int]:
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        made = [add_conversation(session, now, f"c{n}", f"problem {n}", team_id=team_id) for n in range(count)]
        session.flush()
        return [c.id for c in made]


def _assignees(runtime: Runtime, ids: list[int]) -> list[int | None]:
    with runtime.sessions() as session:
        query = select(Conversation.id, Conversation.assignee_id).where(Conversation.id.in_(ids))
        found = dict(session.execute(query).all())
    return [found[i] for i in ids]


def test_round_robin_skips_the_away_and_the_full(runtime: Runtime) -> None:
    team_id, (a, b, c) = _team(runtime, "round_robin")
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        set_availability(session, b, by=CLI, now=now, away=True)
        set_availability(session, c, by=CLI, now=now, capacity=1)
    ids = _conversations(runtime, team_id, 4)
    with runtime.sessions.begin() as session:
        route(session, ids, now)
    assert _assignees(runtime, ids) == [a, c, a, a]  # b is away; c is full after one


def test_least_open_fills_the_emptiest_and_waits_when_all_are_full(runtime: Runtime) -> None:
    team_id, (a, b) = _team(runtime, "least_open", people=2)
    now = runtime.clock.now()
    first = _conversations(runtime, team_id, 1)
    with runtime.sessions.begin() as session:
        session.get(Conversation, first[0]).assignee_id = a  # type: ignore[union-attr]
        set_availability(session, a, by=CLI, now=now, capacity=2)
        set_availability(session, b, by=CLI, now=now, capacity=2)
    ids = _conversations(runtime, team_id, 4)
    with runtime.sessions.begin() as session:
        route(session, ids, now)
    assert _assignees(runtime, ids) == [b, a, b, None]  # the last waits: everyone is at capacity


def test_going_away_hands_conversations_back_and_coming_back_takes_the_waiting(runtime: Runtime) -> None:
    team_id, (a, b) = _team(runtime, "least_open", people=2)
    now = runtime.clock.now()
    ids = _conversations(runtime, team_id, 4)
    with runtime.sessions.begin() as session:
        route(session, ids, now)
    assert sorted(_assignees(runtime, ids)) == sorted([a, b, a, b])
    with runtime.sessions.begin() as session:
        moved = set_availability(session, a, by=CLI, now=now + timedelta(minutes=1), away=True)
    assert len(moved) == 2
    assert _assignees(runtime, ids) == [b] * 4
    with runtime.sessions.begin() as session:
        set_availability(session, b, by=CLI, now=now, away=True)  # nobody left: they wait unassigned
    assert _assignees(runtime, ids) == [None] * 4
    with runtime.sessions.begin() as session:
        set_availability(session, a, by=CLI, now=now, away=False)
        route_waiting(session, now)
    assert _assignees(runtime, ids) == [a] * 4


def test_the_pipeline_routes_what_a_rule_gave_a_team(runtime: Runtime, tmp_path: Path) -> None:
    team_id, agents = _team(runtime, "round_robin", people=2)
    with runtime.sessions.begin() as session:
        create_rule(
            session, "Chargers", {"keywords": "quuxophone"}, {"team_id": team_id}, by=CLI, now=runtime.clock.now()
        )
    anna = scenario.build(runtime, tmp_path)
    assert _assignees(runtime, [anna]) == [agents[0]]


def test_the_routing_page_sets_teams_modes_and_availability(runtime: Runtime) -> None:
    boss = _client(runtime, "boss@example.com", "admin")
    agent = _client(runtime, "ana@example.com", "agent")
    token = csrf_of(boss.get("/routing").text)
    assert boss.post("/routing/teams", data={"csrf_token": token, "name": "Billing"}).status_code == 303
    with runtime.sessions() as session:
        team_id = session.scalars(select(Team.id)).one()
        ana = session.scalars(select(Agent.id).where(Agent.email == "ana@example.com")).one()
    assert boss.post(f"/routing/teams/{team_id}", data={"csrf_token": token, "mode": "least_open"}).status_code == 303
    ids = _conversations(runtime, team_id, 2)
    form = {"csrf_token": token, "team_id": str(team_id), "capacity": "1"}
    assert boss.post(f"/routing/agents/{ana}", data=form).status_code == 303
    assert _assignees(runtime, ids) == [ana, None]  # capacity 1: the second waits
    page = boss.get("/routing").text
    assert 'value="least_open" selected' in page
    assert agent.get("/routing").status_code == 403
    agent_token = csrf_of(agent.get("/").text)
    assert agent.post("/me/away", data={"csrf_token": agent_token, "away": "on"}).status_code == 303
    assert _assignees(runtime, ids) == [None, None]
