"""A lead works the approvals queue in Chromium: edits a held draft (the coach reviews the edit again), approves
it (it goes out as edited), rejects another; an edit too long for the network is refused beside the draft,
keeping the text as typed. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from heard.app import Runtime
from heard.channels.models import Inbox
from heard.conversations.models import Message
from heard.inbox.models import ReplyReview
from heard.inbox.outbox import Author, queue_reply
from tests.browser.conftest import log_in
from tests.web.factories import add_conversation
from tests.web.live import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def runtime(any_runtime: Runtime) -> Runtime:
    return any_runtime


def _held(runtime: Runtime) -> list[int]:
    with runtime.sessions.begin() as session:
        inbox = Inbox(name="Support", coach_approval_below=101)  # every draft waits for a lead
        session.add(inbox)
        session.flush()
        ids = []
        for handle, text in (("erin", "my bag never came"), ("finn", "card declined twice")):
            cid = add_conversation(session, runtime.clock.now(), handle, text, inbox_id=inbox.id).id
            queued = queue_reply(session, cid, "ok", clock=runtime.clock, author=Author(name="Ann"))
            ids.append(queued.message.id)
        return ids


def test_a_lead_edits_a_held_draft_and_approves_it(page: Page, server: LiveServer, runtime: Runtime) -> None:
    edited_id, rejected_id = _held(runtime)
    with runtime.sessions() as session:
        before = session.scalars(select(ReplyReview.score).where(ReplyReview.message_id == edited_id)).one()
    log_in(page, server, runtime, "lead@example.com", "lead")
    page.goto(server.url + "/approvals")
    item = page.locator(f"#held-{edited_id}")
    expect(item.locator(".text")).to_have_text("ok")

    item.get_by_text("Edit", exact=True).click()
    box = item.get_by_label("Edited reply")
    box.fill("x" * 20_001)
    item.get_by_role("button", name="Save and review again").click()
    item = page.locator(f"#held-{edited_id}")
    expect(item.locator(".problem")).to_contain_text("allows")
    expect(item.get_by_label("Edited reply")).to_have_value("x" * 20_001)  # nothing typed is lost

    better = "So sorry your bag has not arrived, Erin. I have sent you a DM to track it down today. ^Ann"
    item.get_by_label("Edited reply").fill(better)
    item.get_by_role("button", name="Save and review again").click()
    item = page.locator(f"#held-{edited_id}")
    expect(item.locator(".saved")).to_contain_text("the coach reviewed it again")
    expect(item.locator(".text")).to_have_text(better)
    with runtime.sessions() as session:
        review = session.scalars(select(ReplyReview).where(ReplyReview.message_id == edited_id)).one()
        assert review.draft == better
        assert review.score > before, "the coach scored the edited text, not the old one"
        assert session.get_one(Message, edited_id).delivery_state == "held", "an edit alone sends nothing"
    expect(item).to_contain_text(f"coach score {review.score}")

    item.get_by_role("button", name="Approve and send").click()
    page.locator(f"#held-{rejected_id}").get_by_role("button", name="Reject").click()
    expect(page.get_by_text("Nothing waits for approval")).to_be_visible()
    with runtime.sessions() as session:
        sent = session.get_one(Message, edited_id)
        assert (sent.delivery_state, sent.text) == ("pending", better)
        assert session.get_one(Message, rejected_id).delivery_state == "failed"
