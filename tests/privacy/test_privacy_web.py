"""The privacy admin page and API: an admin finds a person, downloads their data and erases them (typing the
handle again); agents and agent tokens cannot."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from heard.accounts.agents import add_agent
from heard.accounts.tokens import create_token
from heard.app import Runtime
from heard.audit.models import AuditEntry
from heard.conversations.models import ContactIdentity
from heard.web.app import create_app
from tests.audit.test_audit import ADMIN, _client, runtime
from tests.privacy import scenario
from tests.web.conftest import csrf_of

__all__ = ["runtime"]


def test_an_admin_exports_then_erases_from_the_page(runtime: Runtime, tmp_path: Path) -> None:
    scenario.build(runtime, tmp_path)
    boss = _client(runtime, ADMIN, "admin")
    found = boss.get("/admin/privacy", params={"handle": "@annasolberg"})
    assert found.status_code == 200
    assert "3 posts, 2 conversations" in found.text
    token = csrf_of(found.text)
    exported = boss.post("/admin/privacy/export", data={"handle": "@annasolberg", "csrf_token": token})
    assert exported.status_code == 200
    assert "attachment" in exported.headers["content-disposition"]
    assert len(json.loads(exported.text)["posts"]) == 3
    wrong = boss.post("/admin/privacy/erase", data={"handle": "@annasolberg", "confirm": "anna", "csrf_token": token})
    assert wrong.status_code == 400
    assert "Type the handle again" in wrong.text
    done = boss.post(
        "/admin/privacy/erase", data={"handle": "@annasolberg", "confirm": "annasolberg", "csrf_token": token}
    )
    assert done.status_code == 200
    assert "Erased contact" in done.text
    with runtime.sessions() as session:
        assert session.scalars(select(ContactIdentity.handle)).all() == ["bobby_b", "carl_c"]
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.action.like("privacy.%")).order_by(AuditEntry.id)
        ).all()
        assert actions == ["privacy.exported", "privacy.erased"]
    assert boss.get("/admin/privacy", params={"handle": "annasolberg"}).text.count("no contact with the handle") == 1


def test_agents_cannot_reach_privacy_requests(runtime: Runtime, tmp_path: Path) -> None:
    scenario.build(runtime, tmp_path)
    agent = _client(runtime, "ana@example.com", "agent")
    assert agent.get("/admin/privacy", params={"handle": "annasolberg"}).status_code == 403
    with runtime.sessions.begin() as session:
        add_agent(session, "bot@example.com", "agent", runtime.clock.now(), "a long enough password")
        bot, _ = create_token(session, "bot@example.com", "bot", runtime.clock.now())
    api = TestClient(create_app(runtime))
    refused = api.post(
        "/api/v1/privacy/erase", json={"handle": "annasolberg"}, headers={"Authorization": f"Bearer {bot}"}
    )
    assert refused.status_code == 403


def test_the_api_exports_and_erases_for_an_admin_token(runtime: Runtime, tmp_path: Path) -> None:
    scenario.build(runtime, tmp_path)
    with runtime.sessions.begin() as session:
        add_agent(session, ADMIN, "admin", runtime.clock.now(), "a long enough password")
        token, _ = create_token(session, ADMIN, "dpo", runtime.clock.now())
    api = TestClient(create_app(runtime))
    headers = {"Authorization": f"Bearer {token}"}
    assert api.post("/api/v1/privacy/export", json={}, headers=headers).status_code == 422
    document = api.post(
        "/api/v1/privacy/export", json={"handle": "annasolberg", "network": "mastodon"}, headers=headers
    )
    assert [p["external_id"] for p in document.json()["posts"]] == ["m1"]
    erased = api.post("/api/v1/privacy/erase", json={"handle": "annasolberg"}, headers=headers).json()
    assert erased["counts"]["posts"] == 3
    assert erased["counts"]["log_records"] > 0
    again = api.post("/api/v1/privacy/erase", json={"handle": "annasolberg"}, headers=headers)
    assert again.status_code == 404
