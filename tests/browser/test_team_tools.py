"""Team tools in Chromium: a rule written in the editor and previewed against the demo's week shows its match
count before it is saved; tags on a conversation."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from heard.accounts.agents import add_agent, identity
from heard.app import Runtime
from heard.clock import SystemClock
from heard.commands.demo import replay_sample, sample_path
from heard.connectors.replay.formats import read_file
from heard.conversations.models import Conversation, PostRecord
from heard.inbox.saved_replies import save_reply
from heard.rules.models import Rule
from heard.rules.tags import tags_for
from heard.workers.importer import in_time_order
from heard.workers.pipeline import PipelineWorker
from tests.browser.conftest import log_in
from tests.privacy import scenario
from tests.web.factories import add_conversation
from tests.web.live import LiveServer

pytestmark = pytest.mark.browser


def demo_week(runtime: Runtime) -> None:
    """The demo's data as `heard demo` loads it: the bundled sample, moved in time to end just now."""
    rows = in_time_order(read_file(sample_path(), "twcs", channel="twcs-sample.csv"))
    replay_sample(runtime, rows, speed=1.0, preload=len(rows))
    PipelineWorker(runtime).drain()


def _expected(runtime: Runtime, word: str) -> int:
    """Counted here apart from the rules code: customer posts of the last 7 days with the whole word."""
    pattern = re.compile(rf"(?<!\w){word}(?!\w)", re.IGNORECASE)
    with runtime.sessions() as session:
        newest = session.scalar(select(PostRecord.created_at).order_by(PostRecord.created_at.desc()).limit(1))
        assert newest is not None
        texts = session.scalars(
            select(PostRecord.text).where(
                PostRecord.is_brand.is_(False), PostRecord.created_at > newest - timedelta(days=7)
            )
        )
        return sum(1 for t in texts if pattern.search(t))


def test_a_rule_previewed_against_the_demo_week_shows_its_count_before_it_is_saved(
    page: Page, runtime: Runtime, server: LiveServer
) -> None:
    demo_week(runtime)
    expected = _expected(runtime, "refund")
    assert expected > 0
    log_in(page, server, runtime, "lead@example.com", role="admin")
    page.goto(server.url + "/rules")
    page.get_by_role("link", name="New rule").click()
    page.get_by_label("Name").fill("Refunds to billing")
    page.get_by_label("Has any of the words").fill("refund")
    page.get_by_label("Gets the tags").fill("refunds")
    page.get_by_role("button", name="Preview").click()
    count = page.locator("#preview .count")
    expect(count).to_contain_text(f"Would have matched {expected} posts this week")
    with runtime.sessions() as session:
        assert session.scalars(select(Rule)).all() == []  # nothing saved by previewing
    # an edit previews again, still before saving: the demo's posts are all on one network
    page.get_by_label("Is on the network").fill("mastodon")
    page.get_by_role("button", name="Preview").click()
    expect(count).to_contain_text("Would have matched 0 posts this week")
    page.get_by_label("Is on the network").fill("twitter")
    page.get_by_role("button", name="Preview").click()
    expect(count).to_contain_text(f"Would have matched {expected} posts this week")
    page.get_by_role("button", name="Save rule").click()
    page.wait_for_url(server.url + "/rules")
    expect(page.locator("table.rule-list")).to_contain_text("Refunds to billing")
    with runtime.sessions() as session:
        rule = session.scalars(select(Rule)).one()
        assert rule.conditions == {"networks": ["twitter"], "keywords": ["refund"]}


def test_an_agent_tags_and_untags_a_conversation(page: Page, runtime: Runtime, server: LiveServer) -> None:
    demo_week(runtime)
    with runtime.sessions() as session:
        cid = session.scalars(select(Conversation.id).order_by(Conversation.id).limit(1)).one()
    log_in(page, server, runtime, "ana@example.com")
    page.goto(f"{server.url}/conversations/{cid}")
    box = page.get_by_role("textbox", name="Tag")
    box.fill("billing")
    box.press("Enter")
    bar = page.locator(f"#tags-{cid}")
    expect(bar.locator("span.tag")).to_have_text(["billing"])
    page.get_by_role("textbox", name="Tag").fill("late reply")
    page.get_by_role("textbox", name="Tag").press("Enter")
    expect(bar.locator("span.tag")).to_have_text(["billing", "late reply"])
    page.get_by_role("button", name="Remove tag billing").click()
    expect(bar.locator("span.tag")).to_have_text(["late reply"])
    with runtime.sessions() as session:
        assert tags_for(session, [cid]) == {cid: ["late reply"]}


def test_a_saved_reply_is_inserted_by_keyboard_made_personal_and_reviewed(
    page: Page, runtime: Runtime, server: LiveServer
) -> None:
    with runtime.sessions.begin() as session:
        conversation = add_conversation(session, SystemClock().now(), "carla_m", "my card was charged twice")
        lead, _ = add_agent(session, "lead@example.com", "editor", runtime.clock.now(), "a long enough password")
        body = "Hi {customer_name}, I am sorry you were charged twice; the refund is on its way. {agent_signature}"
        save_reply(
            session,
            identity(lead),
            runtime.clock.now(),
            title="Double charge",
            shortcut="double",
            body=body,
            shared=True,
        )
        save_reply(
            session,
            identity(lead),
            runtime.clock.now(),
            title="Thanks",
            shortcut="thanks",
            body="Thank you!",
            shared=True,
        )
    log_in(page, server, runtime, "ana@example.com")
    page.goto(f"{server.url}/conversations/{conversation.id}")
    reply = page.get_by_label("Your reply")
    reply.click()
    reply.press_sequentially("/d")
    menu = page.get_by_role("listbox", name="Saved replies")
    expect(menu.get_by_role("option")).to_have_count(1)
    expect(menu).to_contain_text("/double")
    reply.press("Escape")
    expect(menu).to_have_count(0)
    reply.press("Backspace")
    expect(menu.get_by_role("option")).to_have_count(2)
    reply.press("ArrowDown")
    reply.press("ArrowUp")
    reply.press("Enter")
    expect(reply).to_have_value("Hi @carla_m, I am sorry you were charged twice; the refund is on its way. – ana")
    expect(menu).to_have_count(0)
    expect(page.locator("#coach .score")).to_be_visible()  # the coach reviewed the inserted text


def test_bulk_actions_on_the_queue(page: Page, runtime: Runtime, server: LiveServer) -> None:
    now = SystemClock().now()
    with runtime.sessions.begin() as session:
        made = [add_conversation(session, now, h, f"problem of {h}") for h in ("ann", "bo", "cy")]
        session.flush()
        ids = [c.id for c in made]
    log_in(page, server, runtime, "ana@example.com")
    expect(page.get_by_role("navigation", name="Saved views")).to_be_visible()  # loaded: the rows stay put
    bar = page.get_by_role("form", name="Bulk actions")
    expect(bar).to_be_hidden()
    page.get_by_role("checkbox", name="Choose @ann").check()
    page.get_by_role("checkbox", name="Choose @cy").check()
    expect(bar).to_be_visible()
    expect(bar.locator(".chosen")).to_have_text("2 chosen")
    bar.get_by_label("Tag").fill("billing")
    bar.get_by_role("button", name="Tag", exact=True).click()
    page.wait_for_url(server.url + "/")
    with runtime.sessions() as session:
        assert tags_for(session, ids) == {ids[0]: ["billing"], ids[2]: ["billing"]}
    page.get_by_role("checkbox", name="Choose @bo").check()
    page.get_by_role("form", name="Bulk actions").get_by_role("button", name="Resolve").click()
    page.wait_for_url(server.url + "/")
    expect(page.locator("ol.queue")).not_to_contain_text("problem of bo")
    with runtime.sessions() as session:
        assert session.get(Conversation, ids[1]).status == "resolved"  # type: ignore[union-attr]


def test_an_agent_merges_one_customer_across_networks_and_undoes_it(
    page: Page, runtime: Runtime, server: LiveServer, tmp_path: Path
) -> None:
    scenario.build(runtime, tmp_path)
    log_in(page, server, runtime, "ana@example.com")
    page.goto(server.url + "/contacts/merge")
    suggestion = page.locator("ul.merge-suggestions li")
    expect(suggestion).to_have_count(1)
    expect(suggestion).to_contain_text("same name")
    expect(suggestion).to_contain_text("mastodon: @annasolberg")
    suggestion.get_by_role("button", name="Merge").click()
    expect(page.locator("ul.merges li")).to_contain_text("1 conversations")
    expect(page.locator("ul.merge-suggestions li")).to_have_count(0)
    with runtime.sessions() as session:
        mastodon = session.scalars(select(Conversation).where(Conversation.root_external_id == "m1")).one()
    page.goto(f"{server.url}/conversations/{mastodon.id}")
    earlier = page.get_by_label("Customer context").locator(".earlier-list")
    expect(earlier).to_contain_text("twitter")  # her Twitter conversation, in the panel of her Mastodon one
    page.goto(server.url + "/contacts/merge")
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("ul.merges li")).to_contain_text("undone")
    expect(page.locator("ul.merge-suggestions li")).to_have_count(1)
