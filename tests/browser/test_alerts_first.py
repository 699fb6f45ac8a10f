"""The staged pile-on is what a care lead sees first on /alerts, in words: how many people, how long unanswered."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from heard.alerts.actions import record_spikes
from heard.app import Runtime
from heard.commands.demo import sample_brands, sample_path
from heard.connectors.replay.connector import in_time_order
from heard.connectors.replay.formats import read_file
from heard.radar.spike import Spike
from heard.stream.base import append_posts
from heard.workers.importer import import_rows
from heard.workers.pipeline import PipelineWorker
from heard.workers.staged_pileon import pick_complaint, pileon_replies
from tests.web.live import LiveServer

pytestmark = pytest.mark.browser


def test_the_staged_pileon_is_the_first_alert_with_people_and_time_unanswered(
    agent_page: Page, server: LiveServer, runtime: Runtime
) -> None:
    rows = in_time_order(read_file(sample_path(), "twcs", channel="twcs-sample"))[:1500]
    sample_brands(runtime, rows)
    import_rows(runtime, rows, "twcs-sample.csv")
    worker = PipelineWorker(runtime)
    worker.drain()
    root = pick_complaint(runtime)
    assert root is not None
    append_posts(runtime.log, pileon_replies(root, runtime.clock.now()))
    worker.drain()
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:  # a newer, more "severe" routine spike must not come first
        record_spikes(session, [Spike("volume", "topic:billing", now, now, 40.0, 2.0, 0.999, 0.99)], now)
    agent_page.goto(server.url + "/alerts")
    first = agent_page.locator(".alert-list .alert-title").first
    expect(first).to_have_text(re.compile(r"^12 people joined @\S+'s complaint .*; not answered for "))
    expect(agent_page.locator(".topbar .nav-badge")).to_have_text("2")
    first.click()
    expect(agent_page.locator("h1.alert-title")).to_contain_text("12 people joined")
    details = agent_page.locator("details.evidence")
    expect(details.locator("dt", has_text="acceleration_per_min2")).to_be_hidden()
    details.locator("summary").click()
    expect(details.locator("dt", has_text="acceleration_per_min2")).to_be_visible()
