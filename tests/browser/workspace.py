"""Helpers for driving the workspace in the browser tests."""

from __future__ import annotations

import time

from playwright.sync_api import Page


def take_news_until(page: Page, text: str, timeout_s: float = 30.0) -> None:
    """Press n (take the "N new" items) whenever the queue offers news, until `text` is in the queue."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if text in page.locator("#queue").inner_text():
            return
        if page.locator("#queue-news").is_visible():
            page.keyboard.press("n")
        page.wait_for_timeout(300)
    raise AssertionError(f"{text!r} never reached the queue")
