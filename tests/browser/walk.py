"""The scripted walk of the workspace in Chromium at 1440x900, against a running Heard (the demo):

    heard demo --port 8130 &      # prints the address, e-mail and password once the server answers
    .venv/bin/python -m tests.browser.walk --url http://127.0.0.1:8130 --email demo@heard.local --password ...

It prints, as JSON: whether the whole composer is on the first screen of the top conversation (and its box),
whether the keyboard focus stayed on the selected row through 20 s of live updates (and how many queue
re-renders and focus changes happened meanwhile), and the time from the inbox to a sent reply by keyboard alone
(j, Enter, r, the reply, Ctrl+Enter; then until the reply shows as sent).
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1440, "height": 900}
REPLY = "Hi, I'm sorry about this: we're looking at it now and will write back here within the hour. ^Demo"


def log_in(page: Page, url: str, email: str, password: str) -> None:
    page.goto(url + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector(".workspace")


def composer_in_view(page: Page) -> dict[str, Any]:
    page.wait_for_selector("#composer")
    box = page.locator("#composer").bounding_box() or {}
    inside = bool(box) and box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT["height"]
    return {"composer_fully_visible": inside, "composer_box": box, "page_scroll_y": page.evaluate("window.scrollY")}


def focus_through_updates(page: Page, seconds: float) -> dict[str, Any]:
    page.evaluate(
        """() => { window.__queueSwaps = 0;
        new MutationObserver(() => { window.__queueSwaps += 1; })
          .observe(document.getElementById('queue'), { childList: true }); }"""
    )
    page.keyboard.press("j")
    page.keyboard.press("j")
    focused = page.evaluate("document.activeElement.closest('.conversation').dataset.conversationId")
    lost = 0
    samples = 0
    news = ""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        now = page.evaluate("(document.activeElement.closest('.conversation') || {dataset: {}}).dataset.conversationId")
        samples += 1
        lost += now != focused
        if page.locator("#queue-news").is_visible():
            news = page.locator("#queue-news").inner_text()
        page.wait_for_timeout(250)
    return {
        "focus_kept": lost == 0,
        "focus_samples": samples,
        "focus_lost_samples": lost,
        "queue_rerenders": page.evaluate("window.__queueSwaps"),
        "news_shown": news,
        "seconds": seconds,
    }


def keyboard_reply(page: Page, url: str) -> dict[str, Any]:
    page.goto(url + "/")
    page.wait_for_selector("#queue .row-link")
    started = time.monotonic()
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_selector("#reply-text")
    page.keyboard.press("r")
    page.keyboard.insert_text(REPLY)  # the words themselves: a person's typing speed is not the workspace's
    page.keyboard.press("Control+Enter")
    delivery = page.locator("#outbox .delivery", has_text=REPLY[:30]).first
    delivery.wait_for(timeout=30_000)
    queued = time.monotonic() - started
    refusal = page.locator("#reply-form .refusal")
    sent = None
    try:
        page.locator("#outbox .delivery.d-sent", has_text=REPLY[:30]).first.wait_for(timeout=60_000)
        sent = time.monotonic() - started
    except Exception:  # reported as not sent, with the refusal if any
        pass
    return {
        "keys": ["j", "j", "Enter", "r", "<reply text>", "Ctrl+Enter"],
        "seconds_to_queued": round(queued, 2),
        "seconds_to_sent": round(sent, 2) if sent is not None else None,
        "refusal": refusal.inner_text() if refusal.is_visible() else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8130")
    parser.add_argument("--email", default="demo@heard.local")
    parser.add_argument("--password", required=True)
    parser.add_argument("--watch", type=float, default=20.0, help="seconds of live updates to watch the focus")
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
        log_in(page, args.url, args.email, args.password)
        report: dict[str, Any] = {"viewport": VIEWPORT}
        report.update(composer_in_view(page))
        report.update(focus_through_updates(page, args.watch))
        report["reply"] = keyboard_reply(page, args.url)
        browser.close()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
