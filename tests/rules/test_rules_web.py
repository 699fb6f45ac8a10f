"""The rules editor and tags in the web app: preview before save, save, switch off, delete; agents tag a
conversation; only admins edit rules."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from heard.accounts.agents import add_agent
from heard.accounts.tokens import create_token
from heard.app import Runtime
from heard.audit.models import AuditEntry
from heard.conversations.models import Conversation
from heard.rules.models import Rule
from heard.rules.tags import tags_for
from heard.web.app import create_app
from tests.audit.test_audit import ADMIN, _client, runtime
from tests.privacy import scenario
from tests.web.conftest import csrf_of

__all__ = ["runtime"]


def test_preview_then_save_then_switch_off_and_delete(runtime: Runtime, tmp_path: Path) -> None:
    scenario.build(runtime, tmp_path)
    boss = _client(runtime, ADMIN, "admin")
    editor = boss.get("/rules/new")
    assert editor.status_code == 200
    token = csrf_of(editor.text)
    form = {"csrf_token": token, "name": "Chargers", "keywords": "quuxophone, charger", "tags": "hardware"}
    shown = boss.post("/rules/preview", data=form, headers={"HX-Request": "true"})
    assert 'data-matched="3"' in shown.text  # Anna twice, Bob once
    assert "Would have matched <strong>3</strong>" in shown.text
    with runtime.sessions() as session:
        assert session.scalars(select(Rule)).all() == []
    empty = boss.post("/rules/preview", data={"csrf_token": token, "name": "x"})
    assert "at least one condition" in empty.text
    assert boss.post("/rules", data=form).status_code == 303
    listed = boss.get("/rules").text
    assert "Chargers" in listed
    with runtime.sessions() as session:
        rule = session.scalars(select(Rule)).one()
        assert rule.conditions == {"keywords": ["quuxophone", "charger"]}
    edited = {**form, "rule_id": str(rule.id), "keywords": "quuxophone", "sentiments": "negative"}
    assert boss.post("/rules", data=edited).status_code == 303
    assert boss.post(f"/rules/{rule.id}/enabled", data={"csrf_token": token, "on": "0"}).status_code == 303
    assert boss.post(f"/rules/{rule.id}/delete", data={"csrf_token": token}).status_code == 303
    with runtime.sessions() as session:
        assert session.scalars(select(Rule)).all() == []
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.subject == "rule").order_by(AuditEntry.id))
        assert list(actions) == ["rule.created", "rule.updated", "rule.updated", "rule.deleted"]


def test_a_bad_rule_is_shown_again_with_the_reason(runtime: Runtime) -> None:
    boss = _client(runtime, ADMIN, "admin")
    token = csrf_of(boss.get("/rules/new").text)
    answer = boss.post("/rules", data={"csrf_token": token, "name": "Nothing", "keywords": "refund"})
    assert answer.status_code == 400
    assert "at least one action" in answer.text
    assert 'value="refund"' in answer.text


def test_agents_tag_conversations_and_cannot_edit_rules(runtime: Runtime, tmp_path: Path) -> None:
    scenario.build(runtime, tmp_path)
    agent = _client(runtime, "ana@example.com", "agent")
    assert agent.get("/rules").status_code == 403
    with runtime.sessions() as session:
        cid = session.scalars(select(Conversation.id).where(Conversation.root_external_id == "t5")).one()
    page = agent.get(f"/conversations/{cid}")
    assert f'id="tags-{cid}"' in page.text
    token = csrf_of(page.text)
    added = agent.post(f"/conversations/{cid}/tags", data={"csrf_token": token, "add": "Billing, VIP"})
    assert added.status_code == 200
    assert ">billing<" in added.text
    removed = agent.post(f"/conversations/{cid}/tags", data={"csrf_token": token, "remove": "vip"})
    assert ">vip<" not in removed.text
    with runtime.sessions() as session:
        assert tags_for(session, [cid]) == {cid: ["billing"]}
        assert (
            session.scalars(select(AuditEntry.action).where(AuditEntry.action == "conversation.tagged")).all()
            == ["conversation.tagged"] * 2
        )


def test_the_api_previews_saves_and_tags(runtime: Runtime, tmp_path: Path) -> None:
    scenario.build(runtime, tmp_path)
    with runtime.sessions.begin() as session:
        add_agent(session, ADMIN, "admin", runtime.clock.now(), "a long enough password")
        add_agent(session, "bot@example.com", "agent", runtime.clock.now(), "a long enough password")
        admin, _ = create_token(session, ADMIN, "rules", runtime.clock.now())
        bot, _ = create_token(session, "bot@example.com", "bot", runtime.clock.now())
    api = TestClient(create_app(runtime))
    lead, agent = {"Authorization": f"Bearer {admin}"}, {"Authorization": f"Bearer {bot}"}
    shown = api.post("/api/v1/rules/preview", json={"conditions": {"keywords": ["quuxophone"]}}, headers=lead)
    assert shown.json()["matched"] == 2
    bad = api.post("/api/v1/rules", json={"name": "x", "conditions": {}, "actions": {"tags": ["a"]}}, headers=lead)
    assert bad.status_code == 400
    body = {"name": "Chargers", "conditions": {"keywords": ["charger"]}, "actions": {"tags": ["hardware"]}}
    made = api.post("/api/v1/rules", json=body, headers=lead)
    assert made.status_code == 201
    rule_id = made.json()["id"]
    assert api.post("/api/v1/rules", json=body, headers=agent).status_code == 403
    assert api.patch(f"/api/v1/rules/{rule_id}", json={"enabled": False}, headers=lead).json()["enabled"] is False
    assert [r["name"] for r in api.get("/api/v1/rules", headers=lead).json()] == ["Chargers"]
    assert api.delete(f"/api/v1/rules/{rule_id}", headers=lead).status_code == 204
    with runtime.sessions() as session:
        cid = session.scalars(select(Conversation.id).where(Conversation.root_external_id == "t5")).one()
    tagged = api.post(f"/api/v1/conversations/{cid}/tags", json={"add": ["Billing"]}, headers=agent)
    assert tagged.json() == ["billing"]
    assert api.get("/api/v1/tags", headers=agent).json() == {"billing": 1}
    assert api.post("/api/v1/conversations/999999/tags", json={"add": ["x"]}, headers=agent).status_code == 404
