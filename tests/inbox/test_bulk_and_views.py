"""Bulk actions on the queue (each conversation through its own action, all or nothing) and saved views with
counts, shared or personal (both databases)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from heard.accounts.agents import add_agent, identity
from heard.app import Runtime
from heard.audit.models import AuditEntry
from heard.conversations.models import Conversation
from heard.errors import BadInput, Forbidden, NotFound
from heard.inbox.bulk import bulk_action
from heard.inbox.views import delete_view, save_view, views_with_counts
from heard.rules.tags import tags_for
from tests.audit.test_audit import _client, runtime
from tests.web.conftest import csrf_of
from tests.web.factories import add_conversation

__all__ = ["runtime"]


def _world(runtime: Runtime) -> list[int]:
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        made = [
            add_conversation(session, now, "ann", "my bill doubled", network="twitter"),
            add_conversation(session, now, "bo", "app crashes", network="mastodon"),
            add_conversation(session, now, "cy", "late parcel", network="twitter"),
        ]
        session.flush()
        return [c.id for c in made]


def test_bulk_assign_tag_snooze_resolve(runtime: Runtime) -> None:
    ids = _world(runtime)
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        lead, _ = add_agent(session, "lead@example.com", "admin", now, "a long enough password")
        me = identity(lead)
        assert bulk_action(session, ids[:2], "assign", by=me, now=now, agent_id=lead.id) == 2
        bulk_action(session, ids, "tag", by=me, now=now, tags=["Billing", " "])
        bulk_action(session, ids[2:], "snooze", by=me, now=now, snooze_hours=4)
        bulk_action(session, ids[:1], "resolve", by=me, now=now)
    with runtime.sessions() as session:
        rows = {c.id: c for c in session.scalars(select(Conversation))}
        assert [rows[i].assignee_id for i in ids] == [me.id, me.id, None]
        assert [rows[i].status for i in ids] == ["resolved", "open", "snoozed"]
        assert tags_for(session, ids) == {i: ["billing"] for i in ids}
        bulk = session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "conversations.bulk")).all()
        assert [b["action"] for b in bulk] == ["assign", "tag", "snooze", "resolve"]


def test_a_bulk_action_refused_for_one_changes_none(runtime: Runtime) -> None:
    ids = _world(runtime)
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        lead, _ = add_agent(session, "lead@example.com", "admin", now, "a long enough password")
        me = identity(lead)
    with pytest.raises(NotFound), runtime.sessions.begin() as session:
        bulk_action(session, [*ids, 999_999], "resolve", by=me, now=now)
    with runtime.sessions() as session:
        assert set(session.scalars(select(Conversation.status))) == {"open"}
    with runtime.sessions.begin() as session:
        for bad, reason in (([], "at least one"), (ids, "unknown bulk action")):
            with pytest.raises(BadInput, match=reason):
                bulk_action(session, bad, "explode" if bad else "resolve", by=me, now=now)
        with pytest.raises(BadInput, match="how many hours"):
            bulk_action(session, ids, "snooze", by=me, now=now)


def test_views_count_and_stay_personal_unless_shared(runtime: Runtime) -> None:
    _world(runtime)
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        lead, _ = add_agent(session, "lead@example.com", "editor", now, "a long enough password")
        ana, _ = add_agent(session, "ana@example.com", "agent", now, "a long enough password")
        boss, mine = identity(lead), identity(ana)
        save_view(session, boss, "Twitter", {"network": "twitter", "junk": "x"}, True, now)
        own = save_view(session, mine, "Mastodon", {"network": "mastodon"}, False, now)
        with pytest.raises(Forbidden):
            save_view(session, mine, "Team", {}, True, now)
    with runtime.sessions() as session:
        seen = [(v.name, v.count, v.shared, v.query) for v in views_with_counts(session, mine, now)]
        assert seen == [("Twitter", 2, True, "network=twitter"), ("Mastodon", 1, False, "network=mastodon")]
        assert [v.name for v in views_with_counts(session, boss, now)] == ["Twitter"]
    with runtime.sessions.begin() as session:
        with pytest.raises(NotFound):
            delete_view(session, own.id, boss, now)
        delete_view(session, own.id, mine, now)


def test_the_inbox_page_has_the_bulk_bar_and_views(runtime: Runtime) -> None:
    ids = _world(runtime)
    agent = _client(runtime, "ana@example.com", "agent")
    page = agent.get("/?network=twitter")
    assert 'id="bulk-form"' in page.text
    token = csrf_of(page.text)
    saved = agent.post("/views", data={"csrf_token": token, "name": "Birds", "network": "twitter"})
    assert saved.headers["location"] == "/?network=twitter"
    listed = agent.get("/views?network=twitter")
    assert "Birds" in listed.text
    assert '<span class="count">2</span>' in listed.text
    done = agent.post(
        "/inbox/bulk",
        data={"csrf_token": token, "action": "resolve", "ids": [str(i) for i in ids[:2]], "back": "//evil"},
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/"
    with runtime.sessions() as session:
        assert [session.get(Conversation, i).status for i in ids] == ["resolved", "resolved", "open"]  # type: ignore[union-attr]
