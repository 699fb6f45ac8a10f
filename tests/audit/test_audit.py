"""The audit trail: each action records who did what on its own transaction; admins read it, filter it and
export it (page, CSV, API); nobody else can."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from heard.accounts.agents import add_agent, identity, set_password
from heard.accounts.tokens import create_token, revoke_token
from heard.app import Runtime, build_runtime
from heard.audit.models import AuditEntry
from heard.audit.trail import CLI, Actor, entries, record, to_csv
from heard.clock import FrozenClock
from heard.inbox.approvals import approve_review
from heard.inbox.workflow import assign, set_status
from heard.settings import Settings
from heard.web.app import create_app
from tests.privacy import scenario
from tests.web.conftest import PASSWORD, csrf_of

ADMIN = "boss@example.com"


@pytest.fixture
def runtime(db_url: str, tmp_path: Path, clock: FrozenClock) -> Iterator[Runtime]:
    settings = Settings(
        env="test", database_url=db_url, event_log="sql", outbox_dir=tmp_path / "outbox", _env_file=None
    )
    rt = build_runtime(settings, clock=clock)
    yield rt
    rt.close()


def _actions(runtime: Runtime) -> list[str]:
    with runtime.sessions() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_actions_record_who_did_what(runtime: Runtime, tmp_path: Path) -> None:
    conversation_id = scenario.build(runtime, tmp_path)  # queues a reply: reply.queued
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        lead, _ = add_agent(session, ADMIN, "admin", now, PASSWORD)
        me = identity(lead)
        assign(session, conversation_id, lead.id, me)
        assign(session, conversation_id, lead.id, me)  # no change: nothing recorded
        set_status(session, conversation_id, "snoozed", me, now, now + timedelta(hours=4))
        set_password(session, lead, "another long password 1")
        _, token = create_token(session, ADMIN, "crm", now, by=Actor(lead.id, lead.email))
        revoke_token(session, token.id, now)
        review_id = session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "reply.queued")).one()[
            "review_id"
        ]
        approve_review(session, review_id, approver_id=lead.id, approver_role="admin", clock=runtime.clock)
    assert _actions(runtime) == [
        "reply.queued",
        "agent.created",
        "conversation.assigned",
        "conversation.status_changed",
        "agent.password_set",
        "token.created",
        "token.revoked",
        "reply.approved",
    ]
    with runtime.sessions() as session:
        status = entries(session, action="conversation.status_changed")[0]
        assert status.actor == ADMIN
        assert status.subject_id == str(conversation_id)
        assert status.detail["status"] == "snoozed"
        assert entries(session, action="agent.created")[0].actor == "cli"


def test_an_entry_rolls_back_with_its_change(runtime: Runtime) -> None:
    def failing_change() -> None:
        with runtime.sessions.begin() as session:
            record(session, CLI, "agent.created", "agent", 1)
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    assert _actions(runtime) == []
    with runtime.sessions.begin() as session, pytest.raises(ValueError, match="unknown audit action"):
        record(session, CLI, "agent.teleported", "agent", 1)


def test_csv_export_is_safe_to_open_in_a_spreadsheet(runtime: Runtime) -> None:
    with runtime.sessions.begin() as session:
        record(session, Actor(None, "=HYPERLINK(1)"), "token.created", "token", 7, {"scope": "read"})
    with runtime.sessions() as session:
        rows = list(csv.reader(io.StringIO(to_csv(entries(session)))))
    assert rows[0] == ["id", "at", "actor", "actor_id", "action", "subject", "subject_id", "detail"]
    assert rows[1][2] == "'=HYPERLINK(1)"
    assert rows[1][7] == '{"scope":"read"}'


def _client(runtime: Runtime, email: str, role: str) -> TestClient:
    with runtime.sessions.begin() as session:
        add_agent(session, email, role, runtime.clock.now(), PASSWORD)
    client = TestClient(create_app(runtime), follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    assert client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token}).status_code == 303
    return client


def test_admins_read_and_export_the_trail_and_agents_cannot(runtime: Runtime) -> None:
    boss = _client(runtime, ADMIN, "admin")
    agent = _client(runtime, "ana@example.com", "agent")
    page = boss.get("/admin/audit")
    assert page.status_code == 200
    assert 'data-action="agent.created"' in page.text
    assert "ana@example.com" not in page.text  # details carry ids, never who was made
    exported = boss.get("/admin/audit.csv?action=agent.created")
    assert exported.headers["content-type"].startswith("text/csv")
    assert len(exported.text.strip().splitlines()) == 3  # the header and two agents
    assert agent.get("/admin/audit").status_code == 403
    assert agent.get("/admin/audit.csv").status_code == 403


def test_the_api_pages_through_the_trail_for_admin_tokens_only(runtime: Runtime) -> None:
    with runtime.sessions.begin() as session:
        add_agent(session, ADMIN, "admin", runtime.clock.now(), PASSWORD)
        add_agent(session, "ana@example.com", "agent", runtime.clock.now(), PASSWORD)
        admin_token, _ = create_token(session, ADMIN, "audit", runtime.clock.now())
        agent_token, _ = create_token(session, "ana@example.com", "bot", runtime.clock.now())
    api = TestClient(create_app(runtime))
    first = api.get("/api/v1/audit?limit=2", headers={"Authorization": f"Bearer {admin_token}"}).json()
    assert [e["action"] for e in first["entries"]] == ["token.created", "token.created"]
    older = api.get(
        f"/api/v1/audit?limit=2&before={first['next_before']}", headers={"Authorization": f"Bearer {admin_token}"}
    ).json()
    assert [e["action"] for e in older["entries"]] == ["agent.created", "agent.created"]
    assert api.get("/api/v1/audit", headers={"Authorization": f"Bearer {agent_token}"}).status_code == 403
