from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from heard.accounts.agents import add_agent
from heard.clock import FrozenClock
from heard.inbox.presence import Colleague, colleagues_on, leave, mark_typing, mark_viewing
from heard.stream.memory import MemoryLog
from heard.web.sse import event_stream

from .test_sse import FAST, _run


def test_colleagues_on_a_conversation(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    now = clock.now()
    with sessions.begin() as s:
        ids = {n: add_agent(s, f"{n}@example.com", "agent", now, "a long enough password")[0].id for n in "abc"}
    with sessions.begin() as s:
        mark_viewing(s, 1, ids["a"], now)
        mark_viewing(s, 1, ids["b"], now)
        mark_viewing(s, 1, ids["c"], now - timedelta(seconds=30))  # closed the lid a while ago
        mark_viewing(s, 2, ids["c"], now)  # another conversation
        mark_typing(s, 1, ids["b"], now)
    with sessions() as s:
        assert colleagues_on(s, 1, ids["a"], now) == [Colleague(ids["b"], "b", True)]
        assert colleagues_on(s, 1, ids["b"], now) == [Colleague(ids["a"], "a", False)]
        later = now + timedelta(seconds=10)
        assert colleagues_on(s, 1, ids["a"], later) == [Colleague(ids["b"], "b", False)]  # stopped typing
    with sessions.begin() as s:
        mark_viewing(s, 1, ids["b"], now + timedelta(seconds=1))  # a heartbeat keeps the last keystroke
        leave(s, 1, ids["a"])
    with sessions() as s:
        assert colleagues_on(s, 1, ids["b"], now) == []
        assert colleagues_on(s, 1, ids["a"], now)[0].typing


class FakeFeed:
    def __init__(self, snapshots: list[str]) -> None:
        self.snapshots = snapshots
        self.beats = 0
        self.left = threading.Event()

    def beat(self) -> None:
        self.beats += 1

    def snapshot(self) -> str:
        return self.snapshots.pop(0) if len(self.snapshots) > 1 else self.snapshots[0]

    def leave(self) -> None:
        self.left.set()


def test_stream_sends_presence_only_when_it_changes_and_leaves_at_the_end(clock: FrozenClock) -> None:
    log = MemoryLog(clock)
    feed = FakeFeed(["<span></span>", "<span></span>", "<p>bo is\nviewing</p>", "<p>bo is\nviewing</p>"])
    closing = threading.Event()
    options = FAST.__class__(**{**{f: getattr(FAST, f) for f in FAST.__slots__}, "presence_check_s": 0.0})

    async def main() -> list[str]:
        out: list[str] = []
        async for chunk in event_stream(log, 0, closing, 5, options, feed):
            out.append(chunk)
            if "viewing" in chunk:
                closing.set()
        return out

    chunks = [c for c in _run(main) if c.startswith("event: presence")]
    assert chunks == ["event: presence\ndata: <span></span>\n\n", "event: presence\ndata: <p>bo is viewing</p>\n\n"]
    assert feed.beats >= 1
    assert feed.left.is_set()
