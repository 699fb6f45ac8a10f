"""Rendered workspace pages and queue panes kept between requests, dropped as soon as anything they show may have
changed (decision 1001).

An entry is keyed by what it was drawn from and stored under the data version it was drawn at. The version is
the head of the event log's "events" topic (every process announces its changes there after they commit, so
this sees the changes of every web process and worker) and a count of this process's own committed writes
(taken after the commit, from the connection pool, so it also sees writes that announce nothing). The version is
read before the page's data, so an entry can only hold data as new as or newer than its version says. Entries
also age out after `fresh_for_s` of the runtime's clock: the relative times on the page ("waiting 12 s") and
whatever another process writes without an event are never older than that.

Each agent's pages are kept apart (the key holds the agent's identity: role, name and id shape the page); only
the queue pane, which shows every agent the same rows for the same filter, and the menus (filter choices, the
open-alert count, SLA targets) are shared. The CSRF token, the one
per-session value on a page, is rendered as a slot and filled in when the page is served.

What is kept is bounded by the characters of text it holds (`max_chars`), not only by its entries: a workspace
shell is some 50,000 characters, a conversation's own parts some 10,000, a menu next to nothing.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

from markupsafe import escape
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from heard.clock import Clock
from heard.events import EVENTS_TOPIC
from heard.stream.base import EventLog

FRESH_FOR_S = 1.0
MAX_ENTRIES = 2048
#: About 32 MB of page text per web process (the text is mostly ASCII: one byte a character).
MAX_CHARS = 32 * 2**20
_WROTE = "heard.page_cache.wrote"
_CHANGED = "heard.page_cache.changed"
_NEUTRAL = "heard.page_cache.neutral"

Version = tuple[int, int]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Entry:
    version: Version
    drawn_at: datetime
    value: object
    chars: int


def text_chars(value: object) -> int:
    """The characters of text `value` holds: its strings, and those of its tuples, lists, dict values and
    slotted dataclasses (what the workspace keeps); anything else counts as none."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, tuple | list):
        return sum(text_chars(item) for item in value)
    if isinstance(value, dict):
        return sum(text_chars(item) for item in value.values())
    slots = getattr(type(value), "__slots__", ())
    slots = (slots,) if isinstance(slots, str) else slots
    return sum(text_chars(getattr(value, name, None)) for name in slots)


class WriteCounter:
    """This process's committed writes on one engine: transactions in which a statement other than a SELECT changed
    at least one row, counted when their connection goes back to the pool (after the commit, so a page drawn after
    the count changed sees the write). Polls that change nothing (an idle worker's consume, which commits an
    INSERT .. ON CONFLICT DO NOTHING every time) do not count, or the embedded worker would empty the cache
    several times a second."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        self._lock = threading.Lock()
        event.listen(engine, "after_cursor_execute", self._executed)
        event.listen(engine, "commit", self._committed)
        event.listen(engine, "rollback", self._rolled_back)
        event.listen(engine, "checkin", self._checked_in)

    @staticmethod
    def _executed(connection: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if (cursor.rowcount or 0) > 0 and not statement.lstrip()[:6].upper().startswith("SELECT"):
            connection.info[_CHANGED] = True

    @staticmethod
    def _committed(connection: Any) -> None:
        if connection.info.pop(_CHANGED, False):
            connection.info[_WROTE] = True

    @staticmethod
    def _rolled_back(connection: Any) -> None:
        connection.info.pop(_CHANGED, None)

    def _checked_in(self, _dbapi_connection: Any, record: Any) -> None:
        wrote = record.info.pop(_WROTE, False)
        neutral = record.info.pop(_NEUTRAL, False)
        record.info.pop(_CHANGED, None)
        if wrote and not neutral:
            with self._lock:
                self.count += 1


def shows_on_no_page(session: Session) -> None:
    """Mark the transaction `session` is in as one no cached page shows (presence heartbeats: the collision
    warning reaches the page over its live stream), so it does not empty the cache several times a second."""
    session.connection().info[_NEUTRAL] = True


class PageCache:
    """What the workspace keeps: whole pages per agent; queue panes and menus shared by every agent."""

    def __init__(
        self,
        log: EventLog,
        writes: WriteCounter,
        clock: Clock,
        fresh_for_s: float = FRESH_FOR_S,
        max_entries: int = MAX_ENTRIES,
        max_chars: int = MAX_CHARS,
    ) -> None:
        self.log = log
        self.writes = writes
        self.clock = clock
        self.fresh_for_s = fresh_for_s
        self.max_entries = max_entries
        self.max_chars = max_chars
        #: Characters of text the entries hold (`text_chars`).
        self.chars = 0
        #: Stands for the CSRF token in a stored page; random per process, so no post text can hold it.
        self.csrf_slot = f"csrf-slot-{secrets.token_hex(16)}"
        #: Marks the rows of a shared queue pane (see `split_rows`).
        self.row_slot = f"row-slot-{secrets.token_hex(16)}"
        #: Marks the conversation's parts in a workspace shell (heard.web.routes.conversations).
        self.conversation_slot = f"conversation-slot-{secrets.token_hex(16)}"
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        #: One lock per key being drawn, so that one request draws it while the others wait.
        self._drawing: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def version(self) -> Version:
        """Read it before the data a page is drawn from."""
        return self.log.head(EVENTS_TOPIC), self.writes.count

    def _entry(self, key: Hashable) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def _fresh(self, entry: _Entry | None, version: Version, now: datetime) -> bool:
        return (
            entry is not None and entry.version == version and (now - entry.drawn_at).total_seconds() < self.fresh_for_s
        )

    def peek(self, key: Hashable, version: Version) -> object | None:
        """The entry for `key` if it is fresh at `version`, neither drawn nor counted as a hit or a miss."""
        entry = self._entry(key)
        return entry.value if entry is not None and self._fresh(entry, version, self.clock.now()) else None

    def get(self, key: Hashable, version: Version) -> object | None:
        entry = self._entry(key)
        if entry is not None and self._fresh(entry, version, self.clock.now()):
            self.hits += 1
            return entry.value
        self.misses += 1
        return None

    def put(self, key: Hashable, version: Version, value: object, drawn_at: datetime) -> None:
        chars = text_chars(value)
        with self._lock:
            replaced = self._entries.pop(key, None)
            self.chars -= replaced.chars if replaced is not None else 0
            self._entries[key] = _Entry(version, drawn_at, value, chars)
            self.chars += chars
            while len(self._entries) > 1 and (len(self._entries) > self.max_entries or self.chars > self.max_chars):
                self.chars -= self._entries.popitem(last=False)[1].chars
            # The locks of keys no longer kept go in sweeps, not on every put: a sweep reads every lock, and each
            # conversation page drawn is a put.
            if len(self._drawing) > 2 * self.max_entries:
                for old in [k for k in self._drawing if k not in self._entries and not self._drawing[k].locked()]:
                    del self._drawing[old]

    def drawn(self, key: Hashable, version: Version, draw: Callable[[], T]) -> T:
        """The entry for `key` at `version`, drawn by `draw` (and kept) when there is none. A key names one kind
        of value, so what is found is what `draw` returns.

        One request draws a key at a time; the others wait for it rather than all drawing the same page at once
        (every request of a second would otherwise miss together when the entry ages out). While the data is
        unchanged and only the second has passed, they are served the entry being replaced instead of waiting."""
        entry = self._entry(key)
        now = self.clock.now()
        if entry is not None and self._fresh(entry, version, now):
            self.hits += 1
            return cast(T, entry.value)
        with self._lock:
            drawing = self._drawing.setdefault(key, threading.Lock())
        if entry is not None and entry.version == version:
            if not drawing.acquire(blocking=False):
                self.hits += 1
                return cast(T, entry.value)  # only aged, and being drawn anew by another request
        else:
            drawing.acquire()
        try:
            entry = self._entry(key)
            if entry is not None and self._fresh(entry, version, self.clock.now()):
                self.hits += 1
                return cast(T, entry.value)
            self.misses += 1
            drawn_at = self.clock.now()
            value = draw()
            self.put(key, version, value, drawn_at)
            return value
        finally:
            drawing.release()

    def with_csrf(self, html: str, token: str) -> str:
        return html.replace(self.csrf_slot, str(escape(token)))


_MARKS = {"c": " selected", "a": ' aria-current="true"'}


def split_rows(pane: str, slot: str) -> tuple[str, ...]:
    """A queue pane cut at its rows' slots, once when it is drawn: text, then kind, row id and text again for each
    slot. Joining the parts for one selected row (`join_rows`) then costs a list copy, not a regular expression over
    the whole pane for every page drawn."""
    return tuple(re.split(re.escape(slot) + r"([ca])(\d+)\.", pane))


def join_rows(parts: tuple[str, ...], selected: int | None) -> str:
    """The pane `parts` were cut from, with `selected` marked (the row's class and its link's aria-current) and
    every other row's slots emptied."""
    wanted = str(selected) if selected is not None else None
    out = list(parts)
    for at in range(1, len(out), 3):
        out[at] = _MARKS[out[at]] if out[at + 1] == wanted else ""
        out[at + 1] = ""
    return "".join(out)
