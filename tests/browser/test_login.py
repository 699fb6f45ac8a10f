"""Agents log in through the form; without a session or without the CSRF token, requests are refused.
SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from heard.app import Runtime
from tests.browser.conftest import PASSWORD, log_in
from tests.web.live import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def runtime(any_runtime: Runtime) -> Runtime:
    return any_runtime


def test_log_in_work_and_log_out(page: Page, runtime: Runtime, server: LiveServer) -> None:
    page.goto(server.url + "/?status=open")
    expect(page).to_have_url(server.url + "/login?next=%2F%3Fstatus%3Dopen")
    with runtime.sessions.begin() as session:
        from heard.accounts.agents import add_agent

        add_agent(session, "ann@example.com", "agent", runtime.clock.now(), PASSWORD, name="Ann")
    page.get_by_label("E-mail").fill("ann@example.com")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(server.url + "/?status=open")
    expect(page.locator(".topbar .me")).to_have_text("Ann · agent")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(server.url + "/login")
    page.goto(server.url + "/")
    expect(page).to_have_url(server.url + "/login?next=%2F")


def test_requests_without_session_or_csrf_token_are_refused(
    page: Page, browser: Browser, runtime: Runtime, server: LiveServer
) -> None:
    log_in(page, server, runtime, "bo@example.com")
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    assert token

    # Same browser, same cookies, but no token: what a forged cross-site form post would look like.
    refused = page.request.post(server.url + "/logout", max_redirects=0)
    assert refused.status == 403
    wrong = page.request.post(server.url + "/logout", headers={"X-CSRF-Token": "guess"}, max_redirects=0)
    assert wrong.status == 403
    page.reload()
    expect(page.locator(".topbar .me")).to_contain_text("bo")

    # A browser with no session gets nothing but the way to the login page.
    stranger = browser.new_context()
    try:
        for path in ("/", "/inbox/queue", "/conversations/1"):
            response = stranger.request.get(server.url + path, max_redirects=0)
            assert response.status == 303
            assert response.headers["location"].startswith("/login")
        assert stranger.request.get(server.url + "/events", max_redirects=0).status == 401
    finally:
        stranger.close()

    accepted = page.request.post(server.url + "/logout", headers={"X-CSRF-Token": token}, max_redirects=0)
    assert accepted.status == 303
