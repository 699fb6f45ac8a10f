"""Browser tests: Debian chromium driven by Playwright, against the app served by uvicorn in a thread."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

import heard
from heard.accounts.agents import add_agent
from heard.app import Runtime, build_runtime
from heard.settings import Settings
from heard.web.app import create_app
from heard.workers.pipeline import PipelineWorker
from tests.conftest import BACKENDS, database_url
from tests.web.live import LiveServer, live_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SAMPLE = Path(heard.__file__).parent / "samples" / "twcs-sample.csv"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if shutil.which(CHROMIUM) is None:
        skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    settings = Settings(env="test", database_url=f"sqlite:///{tmp_path / 'browser.db'}", _env_file=None)
    rt = build_runtime(settings)
    yield rt
    rt.close()


@pytest.fixture
def server(runtime: Runtime) -> Iterator[LiveServer]:
    with live_server(create_app(runtime)) as live:
        yield live


PASSWORD = "browser test password"


@pytest.fixture
def worker(runtime: Runtime) -> Iterator[PipelineWorker]:
    """The pipeline worker running in the background, as `heard serve` runs it."""
    stop = threading.Event()
    worker = PipelineWorker(runtime)
    thread = threading.Thread(target=worker.run, args=(stop, 0.05), daemon=True)
    thread.start()
    yield worker
    stop.set()
    thread.join(10)


def log_in(page: Page, server: LiveServer, runtime: Runtime, email: str, role: str = "agent") -> None:
    """Create the agent and log in through the login form, as a person would."""
    with runtime.sessions.begin() as session:
        add_agent(session, email, role, runtime.clock.now(), PASSWORD)
    page.goto(server.url + "/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(server.url + "/")


@pytest.fixture
def agent_page(page: Page, server: LiveServer, runtime: Runtime) -> Page:
    """A page logged in as an agent."""
    log_in(page, server, runtime, "agent@example.com")
    return page


@pytest.fixture(params=BACKENDS)
def any_runtime(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Runtime]:
    """A runtime on SQLite and, when HEARD_TEST_DATABASE_URL is set, on PostgreSQL (its own schema). A test module
    runs on both by defining `runtime` as this fixture."""
    with database_url(request.param, tmp_path) as url:
        rt = build_runtime(Settings(env="test", database_url=url, _env_file=None))
        try:
            yield rt
        finally:
            rt.close()
