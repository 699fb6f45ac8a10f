"""The team tools in the HTTP API: bulk actions, views, saved replies, merges, availability and routing, and the
per-agent report (both databases)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from heard.accounts.agents import add_agent, identity
from heard.accounts.models import Team
from heard.accounts.tokens import create_token
from heard.app import Runtime
from heard.conversations.models import Conversation
from heard.inbox.saved_replies import save_reply
from heard.inbox.views import save_view
from heard.web.app import create_app
from tests.audit.test_audit import runtime
from tests.privacy import scenario

__all__ = ["runtime"]
PASSWORD = "a long enough password"


def test_team_tools_over_the_api(runtime: Runtime, tmp_path: Path) -> None:
    scenario.build(runtime, tmp_path)
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        team = Team(name="Care")
        session.add(team)
        boss, _ = add_agent(session, "boss@example.com", "admin", now, PASSWORD, name="Boss Bee")
        ana, _ = add_agent(session, "ana@example.com", "agent", now, PASSWORD, name="Ana Lima")
        session.flush()
        ana.team_id = team.id
        save_reply(
            session, identity(boss), now, title="Sorry", shortcut="sorry", body="Hi {customer_name}!", shared=True
        )
        save_view(session, identity(boss), "Mastodon", {"network": "mastodon"}, True, now)
        admin_token, _ = create_token(session, "boss@example.com", "ops", now)
        agent_token, _ = create_token(session, "ana@example.com", "bot", now)
        ids = list(session.scalars(select(Conversation.id).order_by(Conversation.id)))
        team_id, ana_id = team.id, ana.id
    api = TestClient(create_app(runtime))
    lead, agent = {"Authorization": f"Bearer {admin_token}"}, {"Authorization": f"Bearer {agent_token}"}

    done = api.post("/api/v1/conversations/bulk", json={"ids": ids, "action": "tag", "tags": ["q4"]}, headers=agent)
    assert done.json() == {"changed": len(ids)}
    refused = api.post("/api/v1/conversations/bulk", json={"ids": ids, "action": "snooze"}, headers=agent)
    assert refused.status_code == 400
    assert [(v["name"], v["count"]) for v in api.get("/api/v1/views", headers=agent).json()] == [("Mastodon", 1)]
    (saved,) = api.get("/api/v1/saved-replies", headers=agent).json()
    inserted = api.post(f"/api/v1/conversations/{ids[0]}/saved-replies/{saved['id']}", headers=agent).json()
    assert inserted["text"] == "Hi @bobby_b!"  # Bobby posted last in Anna's thread (issue 16)
    (pair,) = api.get("/api/v1/contacts/merge-suggestions", headers=agent).json()
    merged = api.post(
        "/api/v1/contacts/merges", json={"into_id": pair["keep_id"], "from_id": pair["other_id"]}, headers=agent
    )
    assert merged.status_code == 201
    assert api.post(f"/api/v1/contacts/merges/{merged.json()['id']}/undo", headers=agent).status_code == 200

    assert api.post(f"/api/v1/teams/{team_id}/routing", json={"mode": "round_robin"}, headers=agent).status_code == 403
    assert api.post(f"/api/v1/teams/{team_id}/routing", json={"mode": "sideways"}, headers=lead).status_code == 400
    assert api.post(f"/api/v1/teams/{team_id}/routing", json={"mode": "least_open"}, headers=lead).status_code == 200
    with runtime.sessions.begin() as session:
        session.get(Conversation, ids[0]).team_id = team_id  # type: ignore[union-attr]
    back = api.post(f"/api/v1/agents/{ana_id}/availability", json={"away": False, "capacity": 5}, headers=agent)
    assert back.status_code == 200
    with runtime.sessions() as session:
        assert session.get(Conversation, ids[0]).assignee_id == ana_id  # type: ignore[union-attr]
    away = api.post(f"/api/v1/agents/{ana_id}/availability", json={"away": True}, headers=agent).json()
    assert away == {"reassigned": [ids[0]]}
    other = api.post("/api/v1/agents/1/availability", json={"away": True}, headers=agent)
    assert other.status_code == 403

    report = api.get("/api/v1/reports/agents", headers=agent).json()
    assert set(report) == {"since", "until", "agents", "teams", "agents_by_day", "teams_by_day"}
