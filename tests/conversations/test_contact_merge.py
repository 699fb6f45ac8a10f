"""One customer across networks: suggestions (same name, same e-mail in a private message), an agent's merge
that puts every conversation and the sentiment history in one customer panel, and an exact undo (both DBs)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from heard.app import Runtime
from heard.audit.models import AuditEntry
from heard.audit.trail import CLI
from heard.conversations.contacts import merge_contacts, merge_suggestions, undo_merge
from heard.conversations.models import Contact, ContactIdentity, Conversation
from heard.errors import Refused
from heard.inbox.queries import customer_context
from heard.workers.importer import import_file
from heard.workers.pipeline import PipelineWorker
from tests.audit.test_audit import _client, runtime
from tests.privacy import scenario
from tests.web.conftest import csrf_of

__all__ = ["runtime"]


def _private_emails(runtime: Runtime, tmp_path: Path) -> None:
    """Two more people on two networks who each give the same e-mail address in a private message."""
    rows = [
        {
            "network": "facebook",
            "external_id": "f1",
            "author_id": "fb-9",
            "author_handle": "dee.k",
            "is_public": False,
            "text": "it is me again, my address is Dee.K@example.org",
            "created_at": "2026-12-01T10:00:00+00:00",
        },
        {
            "network": "reddit",
            "external_id": "r1",
            "author_id": "rd-4",
            "author_handle": "deek_r",
            "is_public": False,
            "text": "you can write to dee.k@example.org",
            "created_at": "2026-12-01T11:00:00+00:00",
        },
    ]
    path = tmp_path / "private.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    import_file(runtime, path, "jsonl")
    PipelineWorker(runtime).drain()


def _contact(session: object, network: str, handle: str) -> int:
    query = select(ContactIdentity.contact_id).where(
        ContactIdentity.network == network, ContactIdentity.handle == handle
    )
    return int(session.scalars(query).one())  # type: ignore[attr-defined]


def _anna(session: object) -> tuple[int, int]:
    """Anna's two contacts (twitter, mastodon), the older first: the one a merge keeps."""
    found = sorted((_contact(session, "twitter", "annasolberg"), _contact(session, "mastodon", "annasolberg")))
    return found[0], found[1]


def test_suggest_merge_and_undo(runtime: Runtime, tmp_path: Path) -> None:
    scenario.build(runtime, tmp_path)
    _private_emails(runtime, tmp_path)
    now = datetime(2026, 12, 7, tzinfo=UTC)
    with runtime.sessions.begin() as session:
        keep, other = _anna(session)
        dee = sorted((_contact(session, "facebook", "dee.k"), _contact(session, "reddit", "deek_r")))
        found = {(s.keep_id, s.other_id, s.reason) for s in merge_suggestions(session)}
        assert found == {(keep, other, "same name"), (dee[0], dee[1], "same e-mail")}
        latest = session.scalars(select(Conversation).where(Conversation.root_external_id == "m1")).one()
        before = customer_context(session, latest)
        merge = merge_contacts(session, keep, other, by=CLI, now=now, reason="same name")
        # the customer panel now shows her conversations on every network and all her posts' sentiment
        after = customer_context(session, latest)
        assert {c.network for c in after.earlier} | {latest.network} == {"twitter", "mastodon"}
        assert len(after.mood) == 3 > len(before.mood)
        assert {s.other_id for s in merge_suggestions(session)} == {dee[1]}  # a merged pair is not suggested again
        identities = session.scalars(select(ContactIdentity.network).where(ContactIdentity.contact_id == keep))
        assert sorted(identities) == ["mastodon", "twitter"]
        undo_merge(session, merge.id, by=CLI, now=now)
        assert _anna(session) == (keep, other)
        assert _contact(session, "mastodon", "annasolberg") != _contact(session, "twitter", "annasolberg")
        assert len(customer_context(session, latest).mood) == len(before.mood)
        with pytest.raises(Refused):
            undo_merge(session, merge.id, by=CLI, now=now)
        with pytest.raises(Refused):
            merge_contacts(session, keep, keep, by=CLI, now=now)
        trail = select(AuditEntry.action).where(AuditEntry.subject == "contact").order_by(AuditEntry.id)
        assert list(session.scalars(trail)) == ["contacts.merged", "contacts.unmerged"]


def test_the_merge_page_confirms_and_undoes(runtime: Runtime, tmp_path: Path) -> None:
    scenario.build(runtime, tmp_path)
    agent = _client(runtime, "ana@example.com", "agent")
    page = agent.get("/contacts/merge")
    assert "same name" in page.text
    assert "mastodon: @annasolberg" in page.text
    token = csrf_of(page.text)
    with runtime.sessions() as session:
        keep, other = sorted(
            (_contact(session, "twitter", "annasolberg"), _contact(session, "mastodon", "annasolberg"))
        )
    form = {"csrf_token": token, "into_id": str(keep), "from_id": str(other), "reason": "same name"}
    assert agent.post("/contacts/merge", data=form).status_code == 303
    listed = agent.get("/contacts/merge").text
    assert "No suggestions." in listed
    with runtime.sessions() as session:
        assert session.get(Contact, other) is not None
        owners = session.scalars(select(Conversation.contact_id).where(Conversation.root_external_id.in_(("t1", "m1"))))
        assert set(owners) == {keep}
    assert agent.post("/contacts/merges/1/undo", data={"csrf_token": token}).status_code == 303
    assert "same name" in agent.get("/contacts/merge").text
