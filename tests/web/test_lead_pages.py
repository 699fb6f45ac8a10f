"""A lead sets an inbox's SLA targets and approval threshold, and works the approvals queue; agents cannot."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from heard.app import Runtime
from heard.audit.models import AuditEntry
from heard.channels.models import Channel, Inbox
from heard.conversations.models import Conversation, Message
from heard.inbox.outbox import Author, queue_reply
from heard.inbox.sla import load_targets, targets_for
from heard.ingest.actions import store_batch
from heard.posts import Post, RawPost
from tests.web.conftest import csrf_of, log_in
from tests.web.factories import add_conversation


def _inbox(runtime: Runtime) -> int:
    with runtime.sessions.begin() as session:
        inbox = Inbox(name="Support")
        session.add(inbox)
        session.flush()
        return inbox.id


def test_an_agent_cannot_open_the_lead_pages(anonymous: TestClient, runtime: Runtime) -> None:
    log_in(anonymous, runtime, "agent@example.com", "agent")
    assert anonymous.get("/settings/inboxes").status_code == 403
    assert anonymous.get("/approvals").status_code == 403


def test_a_lead_sets_sla_targets_and_the_threshold(anonymous: TestClient, runtime: Runtime) -> None:
    inbox_id = _inbox(runtime)
    log_in(anonymous, runtime, "lead@example.com", "lead")
    page = anonymous.get("/settings/inboxes").text
    assert 'data-inbox="Support"' in page
    form = {"csrf_token": csrf_of(page), "first_response_min": "5", "next_response_min": "30", "approval_below": "70"}
    assert anonymous.post(f"/settings/inboxes/{inbox_id}", data=form).status_code == 303
    with runtime.sessions() as session:
        targets = load_targets(session)[inbox_id]
        assert (targets.first_response_s, targets.next_response_s) == (300, 1800)
        inbox = session.get(Inbox, inbox_id)
        assert inbox is not None
        assert inbox.coach_approval_below == 70
    bad = {**form, "first_response_min": "0"}
    refused = anonymous.post(f"/settings/inboxes/{inbox_id}", data=bad)
    assert refused.status_code == 400
    assert "between 1 minute and 7 days" in refused.text


def test_the_approvals_queue_approves_and_rejects(anonymous: TestClient, runtime: Runtime) -> None:
    inbox_id = _inbox(runtime)
    with runtime.sessions.begin() as session:
        session.get_one(Inbox, inbox_id).coach_approval_below = 101  # every draft waits for a lead
        first = add_conversation(session, runtime.clock.now(), "erin", "my bag", inbox_id=inbox_id).id
        second = add_conversation(session, runtime.clock.now(), "finn", "my card", inbox_id=inbox_id).id
        for cid in (first, second):
            queue_reply(
                session, cid, "Sorry about that, we are on it. ^Ann", clock=runtime.clock, author=Author(name="Ann")
            )
    log_in(anonymous, runtime, "lead@example.com", "lead")
    page = anonymous.get("/approvals").text
    assert page.count('class="held"') == 2
    with runtime.sessions() as session:
        held = list(session.scalars(select(Message).where(Message.delivery_state == "held").order_by(Message.id)))
    review_id = int(page.split("/approvals/")[1].split("/approve")[0])
    token = csrf_of(page)
    assert anonymous.post(f"/approvals/{review_id}/approve", data={"csrf_token": token}).status_code == 303
    assert anonymous.post(f"/approvals/reject/{held[1].id}", data={"csrf_token": token}).status_code == 303
    with runtime.sessions() as session:
        states = [session.get_one(Message, m.id).delivery_state for m in held]
        assert states == ["pending", "failed"]
        assert "rejected by" in (session.get_one(Message, held[1].id).delivery_error or "")
        actions = set(session.scalars(select(AuditEntry.action)))
        assert {"reply.approved", "reply.rejected"} <= actions
    assert "Nothing waits for approval" in anonymous.get("/approvals").text


def test_a_lead_sets_business_hours_and_bad_hours_are_refused(anonymous: TestClient, runtime: Runtime) -> None:
    inbox_id = _inbox(runtime)
    log_in(anonymous, runtime, "lead@example.com", "lead")
    page = anonymous.get("/settings/inboxes").text
    assert "now: around the clock" in page
    assert '<option value="Europe/Berlin">' in page
    form = {
        "csrf_token": csrf_of(page),
        "first_response_min": "15",
        "next_response_min": "60",
        "business_hours": "on",
        "business_tz": "Europe/Berlin",
        "business_days": ["1", "2", "3", "4", "5"],
        "business_opens": "08:30",
        "business_closes": "18:00",
    }
    assert anonymous.post(f"/settings/inboxes/{inbox_id}", data=form).status_code == 303
    with runtime.sessions() as session:
        hours = load_targets(session)[inbox_id].hours
    assert hours is not None
    assert hours.describe() == "Mon-Fri 08:30-18:00 Europe/Berlin"
    assert "now: Mon-Fri 08:30-18:00 Europe/Berlin" in anonymous.get("/settings/inboxes").text
    for bad, why in (
        ({"business_tz": "Mars/Olympus"}, "Olympus&#39; is not a time zone"),
        ({"business_days": []}, "at least one working day"),
        ({"business_closes": "08:00"}, "close after they open"),
    ):
        refused = anonymous.post(f"/settings/inboxes/{inbox_id}", data={**form, **bad})
        assert refused.status_code == 400
        assert "Not saved: " in refused.text
        assert why in refused.text
        assert 'value="08:30"' in refused.text, "beside the form, with what the lead typed"
    with runtime.sessions() as session:
        assert load_targets(session)[inbox_id].hours == hours, "a refused form changes nothing"
    assert anonymous.post(f"/settings/inboxes/{inbox_id}", data={**form, "business_hours": ""}).status_code == 303
    with runtime.sessions() as session:
        assert load_targets(session)[inbox_id].hours is None


def test_the_default_rules_govern_conversations_in_no_inbox(anonymous: TestClient, runtime: Runtime) -> None:
    """Ingest puts conversations in no inbox: the first form sets their targets, hours and approval threshold."""
    log_in(anonymous, runtime, "lead@example.com", "lead")
    page = anonymous.get("/settings/inboxes").text
    assert 'data-inbox="Every conversation not in an inbox"' in page
    assert 'action="/settings/inboxes/0"' in page
    form = {
        "csrf_token": csrf_of(page),
        "first_response_min": "10",
        "next_response_min": "45",
        "approval_below": "100",
        "business_hours": "on",
        "business_tz": "UTC",
        "business_days": ["1", "2", "3", "4", "5", "6", "7"],
        "business_opens": "06:00",
        "business_closes": "22:00",
    }
    assert anonymous.post("/settings/inboxes/0", data=form).status_code == 303
    assert anonymous.post("/settings/inboxes/0", data=form).status_code == 303  # saved twice: still one row
    with runtime.sessions.begin() as session:
        assert len(session.scalars(select(Inbox).where(Inbox.is_default.is_(True))).all()) == 1
        rules = load_targets(session)[None]
        assert (rules.first_response_s, rules.next_response_s) == (600, 2700)
        assert rules.hours is not None
        assert rules.hours.describe() == "Mon-Sun 06:00-22:00 UTC"
        cid = add_conversation(session, runtime.clock.now(), "gus", "no inbox for me").id
        queued = queue_reply(session, cid, "ok", clock=runtime.clock, author=Author(name="Ann"))
        assert queued.message.delivery_state == "held", "the default threshold holds it for a lead"
    assert 'value="10"' in anonymous.get("/settings/inboxes").text


def test_a_channel_given_its_own_inbox_puts_its_new_conversations_there(
    anonymous: TestClient, runtime: Runtime
) -> None:
    """Per-inbox rules govern real traffic: the inbox a lead adds for a channel receives that channel's new
    conversations, whose timers then run on its targets; other channels stay on the default rules."""
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        social = Channel(kind="mastodon", name="acme-social", created_at=now)
        session.add_all([social, Channel(kind="reddit", name="acme-reddit", created_at=now)])
        session.flush()
        social_id = social.id
    log_in(anonymous, runtime, "lead@example.com", "lead")
    page = anonymous.get("/settings/inboxes").text
    assert f'<option value="{social_id}">acme-social</option>' in page
    form = {"csrf_token": csrf_of(page), "channel_id": str(social_id)}
    assert anonymous.post("/settings/inboxes/new", data=form).status_code == 303
    again = anonymous.post("/settings/inboxes/new", data=form)
    assert again.status_code == 400
    assert "acme-social has an inbox already" in again.text
    page = anonymous.get("/settings/inboxes").text
    assert 'data-inbox="acme-social (mastodon)"' in page
    assert "acme-social</option>" not in page  # no second inbox offered for it
    with runtime.sessions() as session:
        inbox_id = session.scalars(select(Inbox.id).where(Inbox.channel_id == social_id)).one()
    tight = {"csrf_token": csrf_of(page), "first_response_min": "5", "next_response_min": "20", "approval_below": ""}
    assert anonymous.post(f"/settings/inboxes/{inbox_id}", data=tight).status_code == 303

    def post(external_id: str, channel: str) -> Post:
        raw = RawPost(
            network="mastodon",
            external_id=external_id,
            author_id=external_id,
            author_handle=external_id,
            text="@acme my order never came",
            created_at=now,
            channel=channel,
        )
        return Post(raw=raw, text=raw.text, mentions=("acme",))

    with runtime.sessions.begin() as session:
        store_batch(session, [post("a1", "acme-social"), post("b1", "acme-reddit"), post("c1", "")], now)
    with runtime.sessions() as session:
        rows = {c.root_external_id: c for c in session.scalars(select(Conversation))}
        assert rows["a1"].inbox_id == inbox_id
        assert rows["b1"].inbox_id is None
        assert rows["c1"].inbox_id is None
        targets = load_targets(session)
        assert targets_for(targets, rows["a1"]).first_response_s == 300
        assert targets_for(targets, rows["b1"]).first_response_s == 900
