from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from heard.accounts.agents import AgentIdentity, add_agent, find_agent, identity
from heard.app import Runtime
from heard.clock import FrozenClock
from heard.conversations.models import Conversation, Message
from heard.errors import NotFound
from heard.events import EVENTS_TOPIC, ConversationAssigned, ConversationStatusChanged, NoteAdded, decode_event
from heard.inbox.queries import InboxFilter, get_conversation, list_conversations
from heard.inbox.workflow import WorkflowError, add_note, assign, set_status
from tests.conftest import emitted

from .conftest import csrf_of, log_in
from .factories import add_conversation

PASSWORD = "a long enough password"


@pytest.fixture
def team(sessions: sessionmaker[Session], clock: FrozenClock) -> dict[str, AgentIdentity]:
    with sessions.begin() as s:
        return {
            role: identity(add_agent(s, f"{role}@example.com", role, clock.now(), PASSWORD)[0])
            for role in ("viewer", "agent", "admin")
        }


def test_assign_and_unassign(
    sessions: sessionmaker[Session], clock: FrozenClock, team: dict[str, AgentIdentity]
) -> None:
    me, boss = team["agent"], team["admin"]
    with sessions.begin() as s:
        c = add_conversation(s, clock.now(), "x")
    with sessions.begin() as s:
        assert emitted(s, lambda: assign(s, c.id, me.id, boss)) == [ConversationAssigned(c.id, me.id, boss.id)]
    with sessions.begin() as s:
        # already hers: nothing happens, nothing is published
        assert emitted(s, lambda: assign(s, c.id, me.id, boss)) == []
        assert emitted(s, lambda: assign(s, c.id, None, me)) == [ConversationAssigned(c.id, None, me.id)]
    with sessions.begin() as s, pytest.raises(WorkflowError, match="viewer"):
        assign(s, c.id, team["viewer"].id, boss)
    with sessions.begin() as s, pytest.raises(NotFound):
        assign(s, c.id, 9999, boss)
    with sessions.begin() as s, pytest.raises(NotFound):
        assign(s, 9999, me.id, boss)


def test_statuses_and_snoozes(
    sessions: sessionmaker[Session], clock: FrozenClock, team: dict[str, AgentIdentity]
) -> None:
    me, now = team["agent"], clock.now()
    with sessions.begin() as s:
        c = add_conversation(s, now, "snoozer")
        add_conversation(s, now, "other")
    later = now + timedelta(hours=4)
    with sessions.begin() as s:
        events = emitted(s, lambda: set_status(s, c.id, "snoozed", me, now, later))
        assert events == [ConversationStatusChanged(c.id, "snoozed", later.isoformat(), me.id)]
    with sessions() as s:
        active = [x.customer_handle for x in list_conversations(s, InboxFilter(status="active"), now=now).conversations]
        assert active == ["other"]
        woken = list_conversations(s, InboxFilter(status="active"), now=later + timedelta(seconds=1)).conversations
        assert sorted(x.customer_handle for x in woken) == ["other", "snoozer"]
    for bad in (None, now, now - timedelta(hours=1), now + timedelta(days=91)):
        with sessions.begin() as s, pytest.raises(WorkflowError, match="90 days"):
            set_status(s, c.id, "snoozed", me, now, bad)
    with sessions.begin() as s, pytest.raises(WorkflowError, match="Unknown status"):
        set_status(s, c.id, "deleted", me, now)
    with sessions.begin() as s:
        set_status(s, c.id, "resolved", me, now, later)
        stored = s.get(Conversation, c.id)
        assert stored is not None
        assert (stored.status, stored.snoozed_until) == ("resolved", None)
        assert emitted(s, lambda: set_status(s, c.id, "resolved", me, now)) == []


def test_notes_are_private_messages_in_the_thread(
    sessions: sessionmaker[Session], clock: FrozenClock, team: dict[str, AgentIdentity]
) -> None:
    me, now = team["agent"], clock.now()
    with sessions.begin() as s:
        c = add_conversation(s, now, "noted")
    with sessions.begin() as s:
        note_at = now + timedelta(minutes=1)
        (event,) = emitted(s, lambda: add_note(s, c.id, "  called them, <b>refund</b> on its way  ", me, note_at))
        assert isinstance(event, NoteAdded)
    with sessions() as s:
        view = get_conversation(s, c.id)
        assert view is not None
        note = view.entries[-1].message
        assert (note.direction, note.agent_id, note.text) == ("note", me.id, "called them, <b>refund</b> on its way")
        assert note.id == event.message_id
        assert view.entries[-1].post is None
    for text, reason in (("   ", "empty"), ("x" * 10_001, "at most")):
        with sessions.begin() as s, pytest.raises(WorkflowError, match=reason):
            add_note(s, c.id, text, me, now)


def _post(client: TestClient, path: str, data: dict[str, str], htmx: bool = True) -> httpx.Response:
    token = csrf_of(client.get("/").text)
    headers = {"X-CSRF-Token": token, **({"HX-Request": "true"} if htmx else {})}
    return client.post(path, data=data, headers=headers)


def test_working_a_conversation_over_htmx_publishes_events(
    client: TestClient, runtime: Runtime, clock: FrozenClock
) -> None:
    with runtime.sessions.begin() as s:
        c = add_conversation(s, clock.now(), "customer", "where is my order")
    head = runtime.log.head(EVENTS_TOPIC)
    base = f"/conversations/{c.id}"
    taken = _post(client, f"{base}/assign", {"assignee": "me"})
    assert taken.status_code == 200
    assert "assigned to agent" in taken.text
    assert "<html" not in taken.text
    noted = _post(client, f"{base}/notes", {"text": "<script>alert(1)</script> checked the depot"})
    assert "&lt;script&gt;alert(1)&lt;/script&gt; checked the depot" in noted.text
    assert "Private note" in noted.text
    snoozed = _post(client, f"{base}/status", {"status": "snoozed", "snooze_hours": "4"})
    assert "snoozed until 2026-01-05 13:00 UTC" in snoozed.text
    assert _post(client, f"{base}/typing", {}).status_code == 204
    assert client.post(f"{base}/typing").status_code == 403  # no CSRF token
    plain = _post(client, f"{base}/status", {"status": "resolved"}, htmx=False)
    assert plain.status_code == 303
    names = [decode_event(r.payload)[0] for r in runtime.log.read(EVENTS_TOPIC, after=head)]
    status_changed = "conversation.status_changed"
    assert names == ["conversation.assigned", "note.added", status_changed, status_changed]
    assert "@customer" not in client.get("/").text  # resolved: out of the to-do view
    assert "@customer" in client.get("/?status=resolved").text


def test_refusals_are_readable_text_for_htmx(client: TestClient, runtime: Runtime, clock: FrozenClock) -> None:
    with runtime.sessions.begin() as s:
        c = add_conversation(s, clock.now(), "customer")
    empty = _post(client, f"/conversations/{c.id}/notes", {"text": "  "})
    assert (empty.status_code, empty.text) == (400, "A note cannot be empty")
    missing = _post(client, "/conversations/424242/assign", {"assignee": "me"})
    assert missing.status_code == 404
    bad = _post(client, f"/conversations/{c.id}/status", {"status": "snoozed", "snooze_hours": "0"})
    assert bad.status_code == 400


def test_viewers_read_but_cannot_change_anything(anonymous: TestClient, runtime: Runtime, clock: FrozenClock) -> None:
    with runtime.sessions.begin() as s:
        c = add_conversation(s, clock.now(), "customer", "hello")
    log_in(anonymous, runtime, "viewer@example.com", "viewer")
    page = anonymous.get(f"/conversations/{c.id}").text
    assert "hello" in page
    assert "note-form" not in page
    assert 'class="work"' not in page
    posts = [
        ("assign", {"assignee": "me"}),
        ("status", {"status": "resolved"}),
        ("notes", {"text": "hi"}),
        ("typing", {}),
    ]
    for path, data in posts:
        assert _post(anonymous, f"/conversations/{c.id}/{path}", data).status_code == 403
    with runtime.sessions() as s:
        stored = s.get(Conversation, c.id)
        assert stored is not None
        assert (stored.status, stored.assignee_id) == ("open", None)
        assert s.query(Message).filter_by(direction="note").count() == 0
        assert find_agent(s, "viewer@example.com") is not None
