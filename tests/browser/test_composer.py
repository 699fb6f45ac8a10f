"""Draft a reply, watch the coach's findings change as you type, send it and see it delivered, live."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from heard.app import Runtime, build_runtime
from heard.posts import RawPost
from heard.settings import Settings
from heard.workers.importer import import_rows
from heard.workers.pipeline import PipelineWorker
from heard.workers.publisher import Publisher
from tests.browser.conftest import log_in
from tests.inbox.helpers import replay_outbox
from tests.web.live import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    """As the shared fixture, with replies delivered to a JSONL outbox of this test's own."""
    settings = Settings(
        env="test", database_url=f"sqlite:///{tmp_path / 'browser.db'}", outbox_dir=tmp_path / "outbox", _env_file=None
    )
    rt = build_runtime(settings)
    yield rt
    rt.close()


@pytest.fixture
def publisher(runtime: Runtime) -> Iterator[Publisher]:
    """The publisher running in the background, as `heard serve` runs it."""
    stop = threading.Event()
    publisher = Publisher(runtime)
    thread = threading.Thread(target=publisher.run, args=(stop, 0.1), daemon=True)
    thread.start()
    yield publisher
    stop.set()
    thread.join(10)


def _customer_post() -> RawPost:
    return RawPost(
        network="x",
        external_id="cust-1",
        author_id="jane",
        author_handle="jane_doe",
        author_name="Jane Doe",
        text="@acmeair You lost my bag on flight 1234 and nobody answers the phone!",
        created_at=datetime.now(UTC),
    )


def test_draft_review_send_and_delivered(
    page: Page,
    runtime: Runtime,
    server: LiveServer,
    worker: PipelineWorker,
    publisher: Publisher,
) -> None:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    import_rows(runtime, [_customer_post()], "test")
    log_in(page, server, runtime, "sam@example.com")
    row = page.locator(".queue .conversation").first
    expect(row).to_contain_text("jane_doe", timeout=15_000)
    expect(row.locator(".sla")).to_contain_text("first reply due in")
    page.keyboard.press("j")  # the first row takes the focus; Enter opens it
    page.keyboard.press("Enter")
    expect(page.locator("#composer")).to_be_visible()

    page.keyboard.press("r")
    box = page.locator("#reply-text")
    expect(box).to_be_focused()
    box.press_sequentially("Sorry you feel that way. As stated, per our policy", delay=5)
    expect(page.locator('#coach [data-rule="humble.blame"]')).to_be_visible()
    expect(page.locator('#coach [data-rule="humble.blame"] .fix')).to_contain_text("Fix:")
    weak = int(page.locator("#coach .score strong").inner_text())

    box.fill("")
    box.press_sequentially(
        "Hi Jane, I'm so sorry we lost your bag on flight 1234: it missed the connection. "
        "It's on the next flight and will be at your door tonight. Thanks for your patience! ^Sam",
        delay=2,
    )
    expect(page.locator('#coach [data-rule="humble.blame"]')).to_have_count(0)
    expect(page.locator("#coach .score strong")).not_to_have_text(str(weak))
    assert int(page.locator("#coach .score strong").inner_text()) > weak

    page.locator("#reply-form .send").click()
    expect(page.locator("#outbox .delivery").first).to_have_class("delivery d-sent", timeout=15_000)
    expect(page.locator("#outbox .delivery .external").first).to_contain_text("replay-")
    expect(page.locator("#sla")).to_contain_text("no reply owed", timeout=40_000)
    expect(box).to_have_value("")
    [line] = replay_outbox(runtime)
    assert str(line["text"]).startswith("Hi Jane")
    assert line["in_reply_to"] == "cust-1"
    assert errors == []


def test_suggest_a_draft(page: Page, runtime: Runtime, server: LiveServer, worker: PipelineWorker) -> None:
    import_rows(runtime, [_customer_post()], "test")
    log_in(page, server, runtime, "sam@example.com")
    page.locator(".queue .row-link").first.click(timeout=15_000)
    page.get_by_role("button", name="Suggest a draft").click()
    expect(page.locator("#reply-text")).not_to_have_value("")
    assert "Jane" in page.locator("#reply-text").input_value()
    expect(page.locator("#coach .score")).to_be_visible()
