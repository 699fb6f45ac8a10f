"""Saved replies: variables filled from the conversation, never word for word a reply already sent in the
incident, reviewed by the coach; shared and personal ones; the composer's endpoints (both databases)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from heard.accounts.agents import AgentIdentity, add_agent, identity
from heard.app import Runtime
from heard.coach.review import ReviewContext
from heard.conversations.models import Conversation, Message
from heard.errors import BadInput, Forbidden, NotFound
from heard.inbox.saved_replies import (
    delete_saved_reply,
    insert_saved_reply,
    list_saved_replies,
    personalise,
    save_reply,
)
from heard.incidents.models import Incident
from tests.audit.test_audit import _client, runtime
from tests.privacy import scenario
from tests.web.conftest import csrf_of

__all__ = ["runtime"]
NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


def _ctx(**kw: object) -> ReviewContext:
    base: dict[str, object] = {
        "post": "my charger melted",
        "customer_handle": "annasolberg",
        "agent_name": "Maria Ruiz",
    }
    return ReviewContext(**(base | kw))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("body", "ctx", "expected"),
    [
        ("Hi {customer_name}, sorry! {agent_signature}", _ctx(customer_name="Anna Solberg"), "Hi Anna, sorry! – Maria"),
        ("Hi {customer_name}, sorry!", _ctx(customer_name=""), "Hi @annasolberg, sorry!"),
        # A display name that is no name (an id, a bidi control around a name) is read as the coach reads it.
        ("Hi {customer_name}, sorry!", _ctx(customer_name="117136"), "Hi @annasolberg, sorry!"),
        ("Hi {customer_name}!", _ctx(customer_name="\u202eAnna"), "Hi Anna!"),
        ("The fix: {article_link}", _ctx(article_url="/kb/charger-fix"), "The fix: /kb/charger-fix"),
        (
            "We know about {incident} and fix it {article_link}.",
            _ctx(incident_title="melting chargers"),
            "We know about melting chargers and fix it.",
        ),
        ("Thanks {customer_handle}\n{agent_name}", _ctx(), "Thanks @annasolberg\nMaria Ruiz"),
        # an incident's title is drawn from customers' words, so it carries no bidi control into a reply
        ("About {incident}.", _ctx(incident_title="\u202emelting\u2066 chargers"), "About melting chargers."),
    ],
)
def test_variables_are_filled_and_missing_ones_leave_no_gap(body: str, ctx: ReviewContext, expected: str) -> None:
    assert personalise(body, ctx) == expected


def _agent(runtime: Runtime, email: str, role: str) -> AgentIdentity:
    with runtime.sessions.begin() as session:
        agent, _ = add_agent(session, email, role, runtime.clock.now(), "a long enough password", name="Maria Ruiz")
        return identity(agent)


def test_shared_and_personal_replies_and_bad_ones(runtime: Runtime) -> None:
    lead = _agent(runtime, "lead@example.com", "editor")
    ana = _agent(runtime, "ana@example.com", "agent")
    with runtime.sessions.begin() as session:
        team = save_reply(
            session, lead, NOW, title="Refund", shortcut="/Refund", body="Hi {customer_name}", shared=True
        )
        mine = save_reply(session, ana, NOW, title="Mine", shortcut="mine", body="Thanks!", shared=False)
        with pytest.raises(Forbidden):
            save_reply(session, ana, NOW, title="x", shortcut="x", body="x", shared=True)
        with pytest.raises(BadInput, match="unknown variable"):
            save_reply(session, ana, NOW, title="x", shortcut="x", body="Hi {name}", shared=False)
        with pytest.raises(BadInput, match="shortcut"):
            save_reply(session, ana, NOW, title="x", shortcut="two words", body="x", shared=False)
        assert team.shortcut == "refund"
        assert [r.title for r in list_saved_replies(session, ana)] == ["Mine", "Refund"]
        assert [r.title for r in list_saved_replies(session, lead)] == ["Refund"]  # another's own stay theirs
        assert [r.title for r in list_saved_replies(session, ana, "ref")] == ["Refund"]
        with pytest.raises(Forbidden):
            delete_saved_reply(session, team.id, ana, NOW)
        with pytest.raises(NotFound):
            delete_saved_reply(session, mine.id, lead, NOW)
        delete_saved_reply(session, mine.id, ana, NOW)


def test_an_insertion_is_personal_reviewed_and_never_a_copy_within_the_incident(
    runtime: Runtime, tmp_path: Path
) -> None:
    anna_id = scenario.build(runtime, tmp_path)
    lead = _agent(runtime, "lead@example.com", "editor")
    with runtime.sessions.begin() as session:
        canned = save_reply(
            session, lead, NOW, title="Canned", shortcut="canned", body="We are sorry. Please DM us.", shared=True
        )
        carl = session.scalars(select(Conversation).where(Conversation.root_external_id == "t5")).one()
        incident = Incident(title="melting chargers", created_at=NOW, updated_at=NOW)
        session.add(incident)
        session.flush()
        carl.incident_id = incident.id
        session.get(Conversation, anna_id).incident_id = incident.id  # type: ignore[union-attr]
        first = insert_saved_reply(session, carl.id, canned.id, lead)
        assert first.text == "We are sorry. Please DM us."  # nothing sent in the incident yet
        session.add(
            Message(
                conversation_id=carl.id,
                direction="outgoing",
                author_handle="acmecare",
                text=first.text,
                created_at=NOW,
                delivery_state="sent",
            )
        )
        session.flush()
        second = insert_saved_reply(session, anna_id, canned.id, lead)
        # The reply answers the latest customer post in Anna's thread: Bobby's "same here" (issue 16), and Bobby
        # gave no display name, so the handle stands in.
        assert second.text == "Hi @bobby_b, we are sorry. Please DM us."
        assert 0 <= second.review.score <= 100
        assert session.get(type(canned), canned.id).uses == 2  # type: ignore[union-attr]


def test_the_composer_menu_and_insertion_endpoints(runtime: Runtime, tmp_path: Path) -> None:
    anna_id = scenario.build(runtime, tmp_path)
    agent = _client(runtime, "ana@example.com", "agent")
    page = agent.get("/saved-replies")
    token = csrf_of(page.text)
    body = "Hi {customer_name}, I am sorry about {incident}. {agent_signature}"
    saved = agent.post(
        "/saved-replies", data={"csrf_token": token, "title": "Sorry", "shortcut": "sorry", "body": body}
    )
    assert saved.status_code == 303
    bad = agent.post("/saved-replies", data={"csrf_token": token, "title": "B", "shortcut": "b", "body": "{nope}"})
    assert bad.status_code == 400
    assert "unknown variable" in bad.text
    menu = agent.get("/saved-replies.json?q=so").json()
    assert [m["shortcut"] for m in menu] == ["sorry"]
    inserted = agent.post(
        f"/conversations/{anna_id}/saved-replies/{menu[0]['id']}", headers={"X-CSRF-Token": token}
    ).json()
    assert inserted["text"].startswith("Hi @bobby_b, I am sorry about")  # Bobby posted last in Anna's thread
    assert isinstance(inserted["review"]["score"], int)
    assert agent.post(f"/conversations/{anna_id}/saved-replies/999", headers={"X-CSRF-Token": token}).status_code == 404
