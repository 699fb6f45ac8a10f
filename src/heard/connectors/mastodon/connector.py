"""Mastodon through its REST and streaming APIs (httpx; Mastodon.py's requests session cannot take Heard's
injected transport). Reads mentions from notifications and each listened hashtag's timeline, gap-free with
`min_id` paging; streams `user` and `hashtag` server-sent events; replies with an Idempotency-Key.

Options: instance (https://mastodon.social), token, max_chars (the instance's limit, 500 by default),
mode ("poll", or "stream": after each catch-up poll, hold the `user:notification` stream open for window_s
seconds and take mentions as they arrive).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any, ClassVar

import httpx

from heard.clock import Clock
from heard.connectors.base import BACKFILL_PAGES, ChannelConfig, Connector, Delivery, OutgoingReply, ReadResult
from heard.connectors.http import Api, check
from heard.connectors.marks import dump_cursor, load_cursor
from heard.connectors.mastodon.parse import Frame, frame_status, notification_status, sse_frames, status_to_post
from heard.connectors.registry import register
from heard.errors import BadInput
from heard.posts import RawPost

PAGE = 40
MAX_PAGES = 10


@register
class MastodonConnector(Connector):
    """A Mastodon account: its mentions, plus hashtag timelines of its instance."""

    kind = "mastodon"
    max_chars = 500
    capabilities = frozenset({"read", "publish", "private", "stream", "search"})
    required_options: ClassVar[tuple[str, ...]] = ("instance", "token")
    secret_options = frozenset({"token"})

    def __init__(
        self, channel: ChannelConfig, *, transport: httpx.BaseTransport | None = None, clock: Clock | None = None
    ) -> None:
        super().__init__(channel, transport=transport, clock=clock)
        self.max_chars = int(channel.options.get("max_chars", 500))  # type: ignore[misc]
        self.api = Api(
            self.option("instance").rstrip("/"),
            headers={"Authorization": f"Bearer {self.option('token')}"},
            transport=transport,
            clock=self.clock,
        )

    def read(self, cursor: str | None) -> ReadResult:
        state = load_cursor(cursor)
        posts: list[RawPost] = []
        rejected: list[BadInput] = []
        state["n"] = self._page_through(
            "/api/v1/notifications", {"types[]": "mention"}, state.get("n"), posts, rejected, notifications=True
        )
        for tag in self.channel.rules.hashtags:
            key = f"t:{tag.lstrip('#').lower()}"
            state[key] = self._page_through(
                f"/api/v1/timelines/tag/{tag.lstrip('#')}", {}, state.get(key), posts, rejected
            )
        if self.channel.options.get("mode") == "stream":
            self._listen_live(state, posts, rejected)
        return ReadResult(posts=posts, cursor=dump_cursor(state), rejected=rejected)

    def _listen_live(self, state: dict[str, Any], posts: list[RawPost], rejected: list[BadInput]) -> None:
        """Mentions as they arrive, for `window_s` seconds; the notification cursor moves with them, so the next
        catch-up poll starts after the last one streamed (and covers whatever a dropped stream missed)."""
        window = float(self.channel.options.get("window_s", 20.0))
        deadline = time.monotonic() + window
        timeout = httpx.Timeout(10.0, read=window)
        try:
            with self.api.client.stream("GET", "/api/v1/streaming/user/notification", timeout=timeout) as response:
                check(response, self.clock)
                for frame in sse_frames(response.iter_lines()):
                    if frame.event == "notification":
                        self._take_streamed(frame, state, posts, rejected)
                    if time.monotonic() >= deadline:
                        break
        except httpx.TransportError:
            return  # a quiet window or a dropped stream: the next poll catches up from the cursor

    def _take_streamed(
        self, frame: Frame, state: dict[str, Any], posts: list[RawPost], rejected: list[BadInput]
    ) -> None:
        try:
            notification = json.loads(frame.data)
        except ValueError:
            rejected.append(BadInput("Mastodon notification frame is not JSON", frame.data[:2000]))
            return
        if not isinstance(notification, dict) or not str(notification.get("id", "")).isdigit():
            rejected.append(BadInput("a Mastodon notification needs an id", frame.data[:2000]))
            return
        state["n"] = max(str(state.get("n") or "0"), str(notification["id"]), key=_num)
        before = len(posts)
        self._take(notification, True, posts, rejected)
        if len(posts) > before and posts[-1].key in {p.key for p in posts[:-1]}:
            posts.pop()  # already read by the catch-up poll

    def backfill(self, hashtags: tuple[str, ...], since: datetime) -> ReadResult:
        """Each tag's timeline, newest first, paging back (max_id) until a page reaches past `since`."""
        posts: list[RawPost] = []
        rejected: list[BadInput] = []
        for tag in dict.fromkeys(t.lstrip("#").lower() for t in hashtags if t.strip("#")):
            params = {"limit": str(PAGE)}
            for _ in range(BACKFILL_PAGES):
                page = self.api.json("GET", f"/api/v1/timelines/tag/{tag}", params=params)
                items = [i for i in page if isinstance(i, dict)] if isinstance(page, list) else []
                before = len(posts)
                for item in items:
                    self._take(item, False, posts, rejected)
                taken = posts[before:]
                older = [p for p in taken if p.created_at < since]
                posts[before:] = [p for p in taken if p.created_at >= since]
                if older or len(items) < PAGE:
                    break
                params["max_id"] = str(min((str(i.get("id", "")) for i in items), key=_num))
        return ReadResult(posts=posts, cursor=None, rejected=rejected)

    def _page_through(
        self,
        path: str,
        params: dict[str, str],
        since: str | None,
        posts: list[RawPost],
        rejected: list[BadInput],
        notifications: bool = False,
    ) -> str | None:
        """Everything newer than `since`, oldest page first (min_id paging leaves no gap), up to MAX_PAGES."""
        if since is None:
            # First run: the newest page only, rather than the account's whole history.
            page = self.api.json("GET", path, params={**params, "limit": str(PAGE)})
            newest = "0"
            for item in page if isinstance(page, list) else []:
                newest = max(newest, str(item.get("id", "0")) if isinstance(item, dict) else "0", key=_num)
                self._take(item, notifications, posts, rejected)
            return newest
        newest = since
        for _ in range(MAX_PAGES):
            page = self.api.json("GET", path, params={**params, "limit": str(PAGE), "min_id": newest})
            if not isinstance(page, list) or not page:
                break
            for item in sorted(page, key=lambda i: _id_order(i)):
                newest = max(newest, str(item.get("id", newest)) if isinstance(item, dict) else newest, key=_num)
                self._take(item, notifications, posts, rejected)
            if len(page) < PAGE:
                break
        return newest

    def _take(self, item: Any, notification: bool, posts: list[RawPost], rejected: list[BadInput]) -> None:
        try:
            status = notification_status(item) if notification else item
            if status is None:
                return
            posts.append(status_to_post(status, self.is_brand, self.channel.name))
        except BadInput as exc:
            rejected.append(exc)

    def stream(self, timeout_s: float | None = None) -> Iterator[RawPost | BadInput]:
        """The `user` stream (mentions) and, one at a time, each hashtag stream, as they arrive."""
        paths: list[tuple[str, dict[str, str]]] = [("/api/v1/streaming/user", {})] + [
            ("/api/v1/streaming/hashtag", {"tag": t.lstrip("#")}) for t in self.channel.rules.hashtags
        ]
        for path, params in paths:
            yield from self._stream_one(path, params, timeout_s)

    def _stream_one(self, path: str, params: dict[str, str], timeout_s: float | None) -> Iterator[RawPost | BadInput]:
        with self.api.client.stream("GET", path, params=params, timeout=timeout_s) as response:
            check(response, self.clock)
            for frame in sse_frames(response.iter_lines()):
                yield from self._frame_posts(frame)

    def _frame_posts(self, frame: Frame) -> Iterator[RawPost | BadInput]:
        try:
            status = frame_status(frame)
            if status is not None:
                yield status_to_post(status, self.is_brand, self.channel.name)
        except BadInput as exc:
            yield exc

    def _publish(self, reply: OutgoingReply) -> Delivery:
        text = reply.text
        handle = (reply.recipient_handle or "").lstrip("@")
        if handle and f"@{handle}".lower() not in text.lower():
            text = f"@{handle} {text}"  # Mastodon notifies only the accounts a status mentions
        body: dict[str, Any] = {"status": text, "visibility": "direct" if reply.private else "public"}
        if reply.in_reply_to:
            body["in_reply_to_id"] = reply.in_reply_to
        status = self.api.json(
            "POST", "/api/v1/statuses", json=body, headers={"Idempotency-Key": reply.idempotency_key}
        )
        return Delivery(state="sent", external_id=str(status.get("id")), permalink=status.get("url"))

    def close(self) -> None:
        self.api.close()


def _num(value: str) -> int:
    return int(value) if value.isdigit() else 0


def _id_order(item: Any) -> int:
    return _num(str(item.get("id", ""))) if isinstance(item, dict) else 0
