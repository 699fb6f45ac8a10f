"""Make the README screenshots: the bundled twcs sample, stored as if it had just arrived, shown in Debian
chromium. Run from the repository root: `.venv/bin/python docs/img/make_screenshots.py`."""

from __future__ import annotations

import sys
from dataclasses import replace
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright

import heard
from heard.app import build_runtime
from heard.connectors.replay.connector import in_time_order
from heard.connectors.replay.formats import read_file
from heard.accounts.agents import ensure_demo_agent
from heard.posts import RawPost
from heard.settings import Settings
from heard.web.app import create_app
from heard.workers.importer import import_rows
from heard.workers.pipeline import PipelineWorker

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.web.live import live_server  # noqa: E402

OUT = Path(__file__).parent
SAMPLE = Path(heard.__file__).parent / "samples" / "twcs-sample.csv"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip


def compressed(posts: list[RawPost], span: timedelta) -> list[RawPost]:
    """The sample (years with a dense month in the middle) spread evenly over `span`, ending a minute ago,
    in the same order: a live inbox's waiting times, rather than every customer having waited a month."""
    step = span / max(1, len(posts))
    end = datetime.now(UTC) - timedelta(minutes=1)
    return [replace(p, created_at=end - step * (len(posts) - 1 - i)) for i, p in enumerate(posts)]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        runtime = build_runtime(Settings(env="test", database_url=f"sqlite:///{tmp}/shots.db", _env_file=None))
        posts = [r for r in in_time_order(read_file(SAMPLE, "twcs", channel="twcs")) if isinstance(r, RawPost)]
        import_rows(runtime, compressed(posts, timedelta(hours=3)), "twcs-sample.csv")
        PipelineWorker(runtime).drain()
        with runtime.sessions.begin() as session:
            email, password = ensure_demo_agent(session)
        with live_server(create_app(runtime)) as live, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
            page.goto(live.url + "/")
            page.get_by_label("E-mail").fill(email)
            page.get_by_label("Password").fill(password)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(live.url + "/")
            page.screenshot(path=str(OUT / "inbox.png"))
            # the workspace on another conversation, a draft in the composer: counter and coach beside Send
            page.locator("ol.queue > li a").nth(2).click()
            page.wait_for_selector(".message")
            page.keyboard.press("r")
            page.keyboard.insert_text("Sorry for the trouble. As stated, per our policy we cannot help.")
            page.wait_for_selector("#coach .score")
            page.screenshot(path=str(OUT / "conversation.png"))
            phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1)
            phone.context.add_cookies(page.context.cookies())
            phone.goto(live.url + "/")
            phone.wait_for_selector("#composer")
            phone.screenshot(path=str(OUT / "workspace-phone.png"))
            browser.close()
        runtime.close()
    print(f"wrote inbox.png, conversation.png and workspace-phone.png in {OUT}")


if __name__ == "__main__":
    main()
