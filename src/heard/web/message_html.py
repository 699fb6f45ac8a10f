"""Each message of a thread drawn once and kept as HTML (templates/message.html).

A conversation page is drawn again whenever anything changes at all (heard.web.page_cache keys pages by the
whole data version), but the messages on it rarely change: the same HTML is rendered again and again. The HTML is
kept under the very values it is drawn from (the message's and post's shown fields, the writer's name, the
network), never under an id alone, so an edit, a redaction or a renamed agent is drawn anew without any
invalidation to forget. The template sees only those values, so it cannot come to show a field the key lacks.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from datetime import datetime
from operator import attrgetter
from typing import Any, NamedTuple

from jinja2 import Environment, Template
from markupsafe import Markup

#: About 8 MB of message HTML per web process (a message is some 500 to 1,500 characters).
MAX_CHARS = 8 * 2**20


class ShownMessage(NamedTuple):
    id: int
    direction: str
    author_handle: str
    agent_id: int | None
    created_at: datetime
    text: str


class ShownPost(NamedTuple):
    permalink: str | None
    complaint: float | None
    intents: tuple[str, ...] | None
    sentiment: str | None
    sentiment_score: float | None
    topic: str | None
    language: str | None
    urgency: int | None
    urgency_reasons: tuple[str, ...] | None


_MESSAGE_FIELDS = attrgetter(*ShownMessage._fields)
_POST_FIELDS = attrgetter(*ShownPost._fields)
#: Where ShownPost holds JSON lists: kept as tuples, hashable, and joined and tested the same way.
_LISTS = tuple(ShownPost._fields.index(name) for name in ("intents", "urgency_reasons"))


def shown(message: Any, post: Any | None) -> tuple[ShownMessage, ShownPost | None]:
    """The fields of a thread entry's message and post that the page shows (read by one attrgetter each: this
    runs for every message of every page drawn)."""
    m = ShownMessage._make(_MESSAGE_FIELDS(message))
    if post is None:
        return m, None
    values = list(_POST_FIELDS(post))
    for at in _LISTS:
        if isinstance(values[at], list):
            values[at] = tuple(values[at])
    return m, ShownPost._make(values)


class MessageHtml:
    """`message_html(entry, writers, network)` in the templates: the entry's `<li>`, from what is kept when the
    same values were drawn before (least recently used dropped past `max_chars` characters)."""

    def __init__(self, env: Environment, max_chars: int = MAX_CHARS) -> None:
        self.env = env
        self._template: Template | None = None  # loaded on first use: the environment's loader is set by then
        self.max_chars = max_chars
        self.chars = 0
        self.hits = 0
        self.misses = 0
        self._kept: OrderedDict[tuple[object, ...], Markup] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, entry: Any, writers: Mapping[int, str], network: str) -> Markup:
        m, p = shown(entry.message, entry.post)
        writer = writers.get(m.agent_id) if m.agent_id is not None else None
        key = (m, p, writer, network)
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
                self.hits += 1
                return found
        if self._template is None:
            self._template = self.env.get_template("message.html")
        html = Markup(self._template.render(m=m, p=p, writer=writer, network=network))  # noqa: S704 - autoescaped
        with self._lock:
            self.misses += 1
            if key not in self._kept:
                self._kept[key] = html
                self.chars += len(html)
            while len(self._kept) > 1 and self.chars > self.max_chars:
                self.chars -= len(self._kept.popitem(last=False)[1])
        return html
