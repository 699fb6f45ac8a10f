"""Two `heard serve` processes on one database: a change an agent makes through one reaches the live stream of a
page served by the other (through the event log, not a process's memory), and the other's kept page shows it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from heard.accounts.agents import add_agent
from heard.app import build_runtime
from heard.settings import Settings
from heard.web.server import answers

from .factories import add_conversation
from .live import free_port, logged_in_client

PASSWORD = "two processes, one log"


@contextmanager
def serving(env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-c", "from heard.cli import main; main()", "serve", "--no-with-worker"]
    process = subprocess.Popen(command, env={**env, "HEARD_PORT": str(port)})
    url = f"http://127.0.0.1:{port}"
    try:
        if not answers(url, 60):
            raise RuntimeError("heard serve did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_a_change_through_one_process_reaches_the_stream_and_the_page_of_another(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'shared.db'}"
    env = {
        **os.environ,
        "HEARD_DATABASE_URL": database,
        "HEARD_EVENT_LOG": "sql",
        "HEARD_ENV": "test",
        "HEARD_OUTBOX_DIR": str(tmp_path / "outbox"),
    }
    runtime = build_runtime(Settings(database_url=database, event_log="sql", env="test", _env_file=None))
    with runtime.sessions.begin() as s:
        add_agent(s, "one@example.com", "agent", runtime.clock.now(), PASSWORD)
        add_agent(s, "two@example.com", "agent", runtime.clock.now(), PASSWORD)
        conversation = add_conversation(s, runtime.clock.now(), "alice").id
        add_conversation(s, runtime.clock.now(), "bob")
    runtime.close()

    with serving(env) as first, serving(env) as second:
        one = logged_in_client(first, "one@example.com", PASSWORD)
        two = logged_in_client(second, "two@example.com", PASSWORD)
        page = two.get("/").text
        assert f'data-conversation-id="{conversation}"' in page
        assert two.get("/").text == page  # kept by the second process
        head = re.search(r"/events\?after=(\d+)", page)
        assert head is not None
        with two.stream("GET", f"/events?after={head.group(1)}", timeout=30) as stream:
            token = re.search(r'name="csrf-token" content="([^"]+)"', one.get("/").text)
            assert token is not None
            answer = one.post(
                f"/conversations/{conversation}/status", data={"status": "resolved", "csrf_token": token.group(1)}
            )
            assert answer.status_code in (200, 303), answer.text
            seen = ""
            deadline = time.monotonic() + 20
            for chunk in stream.iter_text():
                seen += chunk
                if "event: inbox" in seen or time.monotonic() > deadline:
                    break
        assert "event: inbox" in seen
        assert f"[{conversation}]" in seen or f"{conversation}," in seen or f",{conversation}]" in seen
        # the second process's kept page went with the change it never made itself
        assert f'data-conversation-id="{conversation}"' not in two.get("/").text
        one.close()
        two.close()
