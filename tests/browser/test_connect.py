"""Connecting an account in a browser: from the channels page to the connect page and back with the channel
added; a channel that needs reconnecting says so and links to the connect page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from heard.app import Runtime
from heard.channels.actions import add_channel, record_health
from heard.web.app import create_app
from tests.browser.conftest import log_in
from tests.contract.connector_cases import BlueskyCase
from tests.fakes.recordings import FakeNetwork
from tests.web.live import LiveServer, live_server

pytestmark = pytest.mark.browser


@pytest.fixture
def network() -> FakeNetwork:
    fake = FakeNetwork()
    fake.route("POST", "/xrpc/com.atproto.server.createSession", BlueskyCase.session)
    return fake


@pytest.fixture
def connect_server(runtime: Runtime, network: FakeNetwork) -> Iterator[LiveServer]:
    app = create_app(runtime)
    app.state.connect_transport = network.transport  # Bluesky's answer comes from the recording
    with live_server(app) as live:
        yield live


def test_an_admin_connects_bluesky_and_sees_a_channel_to_reconnect(
    page: Page, runtime: Runtime, connect_server: LiveServer
) -> None:
    with runtime.sessions.begin() as session:
        stale = add_channel(
            session,
            kind="x",
            name="x-brand",
            options={"user_token": "old", "refresh_token": "spent"},
            secret_key=runtime.settings.secret_key,
            now=runtime.clock.now(),
        )
        record_health(session, stale.id, "reconnect_needed", "X refused to renew the user token")
    log_in(page, connect_server, runtime, "admin@example.com", role="admin")
    page.goto(connect_server.url + "/channels")
    row = page.locator("tr[data-channel='x-brand']")
    expect(row.locator(".health")).to_have_text("reconnect needed")
    expect(row.get_by_role("link", name="Reconnect")).to_have_attribute("href", "/channels/connect")

    page.get_by_role("link", name="Connect an account").click()
    form = page.locator("form.connect-bluesky")
    form.get_by_label("Channel name").fill("bsky")
    form.get_by_label("Handle").fill("heard.bsky.social")
    form.get_by_label("App password").fill("abcd-efgh-ijkl-mnop")
    form.get_by_role("button", name="Connect").click()
    expect(page).to_have_url(connect_server.url + "/channels")
    expect(page.locator("tr[data-channel='bsky']")).to_contain_text("bluesky")
    expect(page.locator("body")).not_to_contain_text("abcd-efgh-ijkl-mnop")
