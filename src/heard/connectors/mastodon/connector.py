"""Mastodon through Mastodon.py (its requests session fed Heard's transport by `connectors.bridges`) for the REST
API, and server-sent events over httpx for streaming. Reads mentions from notifications and each listened
hashtag's timeline, gap-free with `min_id` paging; replies with `status_post(idempotency_key=...)`, the
recipient's @handle prepended and counted in the length (URLs count 23, as Mastodon counts them).

Streaming (`stream`, and mode "stream"): the streaming host comes from the instance (`urls.streaming_api`, or
v2's `configuration.urls.streaming`; many instances serve it on another host); the `user` stream and each
hashtag stream are read at the same time, each on a thread of its own, and the read ends at its deadline even
when the server only sends its 15-second `:thump` heartbeats (which kept a read timeout from ever firing).
Mastodon.py's own streaming runs on requests' streamed responses, which Heard's transport bridge does not
stream, so SSE stays on httpx (docs/decisions/0801-maintained-connector-clients.md).

Options: instance (https://mastodon.social), token, max_chars (the instance's limit, 500 by default),
mode ("poll", or "stream": after each catch-up poll, hold the `user:notification` stream open for window_s
seconds and take mentions as they arrive).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx

from heard.clock import Clock
from heard.connectors.base import BACKFILL_PAGES, ChannelConfig, Connector, Delivery, OutgoingReply, ReadResult
from heard.connectors.bridges import requests_session
from heard.connectors.extras import require
from heard.connectors.failures import ConnectorFailure, RateLimited, Unavailable
from heard.connectors.http import OUTAGE_WAIT_S, USER_AGENT, Api, Budget, failure_for
from heard.connectors.marks import dump_cursor, load_cursor
from heard.connectors.mastodon.parse import Frame, frame_status, notification_status, status_to_post
from heard.connectors.mastodon.streaming import Streams, hold, streaming_base, take_held
from heard.connectors.ratelimits import wait_seconds
from heard.connectors.registry import register
from heard.errors import BadInput
from heard.lengths import with_mention
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
        self.instance = self.option("instance").rstrip("/")
        self.budget = Budget(self.clock)
        self._mastodon: Any = None
        self._streaming_base: str | None = None
        self.api = Api(
            self.instance,
            headers={"Authorization": f"Bearer {self.option('token')}"},
            transport=transport,
            clock=self.clock,
        )

    def cooldown_s(self) -> float:
        return self.budget.cooldown_s()

    def continuous(self) -> bool:
        return bool(self.channel.options.get("mode") == "stream")

    def client(self) -> Any:
        if self._mastodon is None:
            mastodon = require("mastodon", "mastodon")
            self._mastodon = mastodon.Mastodon(
                access_token=self.option("token"),
                api_base_url=self.instance,
                session=requests_session(self.transport, self.budget),
                version_check_mode="none",
                ratelimit_method="throw",
                request_timeout=20,
                user_agent=USER_AGENT,
            )
        return self._mastodon

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """One Mastodon.py call; its errors become Heard's failures."""
        errors = require("mastodon.errors", "mastodon")
        where = f"Mastodon {method}"
        try:
            return getattr(self.client(), method)(*args, **kwargs)
        except errors.MastodonRatelimitError:
            raise RateLimited(
                f"{where}: rate limited (429)", wait_seconds(self.budget.last_headers, self.clock.now())
            ) from None
        except errors.MastodonNetworkError as exc:
            raise Unavailable(f"{where} failed: {type(exc).__name__}", OUTAGE_WAIT_S) from None
        except errors.MastodonAPIError as exc:
            status = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else 0
            detail = str(exc.args[3]) if len(exc.args) > 3 else ""
            if not status:
                raise Unavailable(f"{where}: {exc.args[0] if exc.args else 'failed'}", OUTAGE_WAIT_S) from None
            raise failure_for(status, self.budget.last_headers, where, detail[:300], self.clock) from None

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
        """Mentions, and each listened hashtag's posts, as they arrive for `window_s` seconds (the streams read at
        once); the cursors move with them, so the next catch-up poll starts after the last one streamed (and
        covers whatever a dropped stream missed)."""
        window = float(self.channel.options.get("window_s", 20.0))
        paths: list[tuple[str, dict[str, str]]] = [
            ("/api/v1/streaming/user/notification", {}),
            *self._hashtag_streams(),
        ]
        key = f"mastodon:{self.channel.name}"
        fresh = self.streams()
        streams = take_held(key, fresh.base, fresh.token, paths)
        if streams is None:
            streams = fresh
            streams.start(paths)
        try:
            for path, frame in streams.until(time.monotonic() + window):
                if frame.event == "notification":
                    self._take_streamed(frame, state, posts, rejected)
                elif path.endswith("/hashtag") and frame.event == "update":
                    self._take_tagged(frame, state, posts, rejected)
        except BaseException:
            streams.close()
            raise
        if streams.alive:
            hold(key, streams)  # the next window goes on reading these streams
        else:
            streams.close()

    def _hashtag_streams(self) -> list[tuple[str, dict[str, str]]]:
        return [("/api/v1/streaming/hashtag", {"tag": t.lstrip("#")}) for t in self.channel.rules.hashtags]

    def streams(self) -> Streams:
        """The account's streams on the streaming host the instance names (asked once per connector)."""
        if self._streaming_base is None:
            info: Any = None
            for method in ("instance_v1", "instance_v2"):
                try:
                    info = _plain(self._call(method))
                    break
                except ConnectorFailure:
                    continue
            self._streaming_base = streaming_base(self.instance, info)
        return Streams(self._streaming_base, self.option("token"), self.clock, self.transport)

    def _take_tagged(self, frame: Frame, state: dict[str, Any], posts: list[RawPost], rejected: list[BadInput]) -> None:
        for row in self._frame_posts(frame):
            if isinstance(row, BadInput):
                rejected.append(row)
            elif row.key not in {p.key for p in posts}:
                posts.append(row)
                for tag in self.channel.rules.hashtags:
                    key = f"t:{tag.lstrip('#').lower()}"
                    if f"#{tag.lstrip('#').lower()}" in row.text.lower():
                        state[key] = max(str(state.get(key) or "0"), row.external_id, key=_num)

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
                page = [_plain(i) for i in self._call("timeline_hashtag", tag, max_id=params.get("max_id"), limit=PAGE)]
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
            page = self._list(path, params, None)
            newest = "0"
            for item in page if isinstance(page, list) else []:
                newest = max(newest, str(item.get("id", "0")) if isinstance(item, dict) else "0", key=_num)
                self._take(item, notifications, posts, rejected)
            return newest
        newest = since
        for _ in range(MAX_PAGES):
            page = self._list(path, params, newest)
            if not isinstance(page, list) or not page:
                break
            for item in sorted(page, key=lambda i: _id_order(i)):
                newest = max(newest, str(item.get("id", newest)) if isinstance(item, dict) else newest, key=_num)
                self._take(item, notifications, posts, rejected)
            if len(page) < PAGE:
                break
        return newest

    def _list(self, path: str, params: dict[str, str], min_id: str | None) -> list[Any]:
        """One page of notifications (mentions) or of a hashtag timeline, through Mastodon.py."""
        if path == "/api/v1/notifications":
            page = self._call("notifications", types=["mention"], min_id=min_id, limit=PAGE)
        else:
            tag = path.rsplit("/", 1)[-1]
            page = self._call("timeline_hashtag", tag, min_id=min_id, limit=PAGE)
        return [_plain(item) for item in page or []]

    def _take(self, item: Any, notification: bool, posts: list[RawPost], rejected: list[BadInput]) -> None:
        try:
            status = notification_status(item) if notification else item
            if status is None:
                return
            posts.append(status_to_post(status, self.is_brand, self.channel.name))
        except BadInput as exc:
            rejected.append(exc)

    def stream(self, timeout_s: float | None = None) -> Iterator[RawPost | BadInput]:
        """The `user` stream (mentions) and every hashtag stream at once, as they arrive, for `timeout_s`
        seconds (None: until the server ends them)."""
        paths = [("/api/v1/streaming/user", {}), *self._hashtag_streams()]
        deadline = time.monotonic() + (timeout_s if timeout_s is not None else 10**9)
        for _, frame in self.streams().frames(paths, deadline):
            yield from self._frame_posts(frame)

    def _frame_posts(self, frame: Frame) -> Iterator[RawPost | BadInput]:
        try:
            status = frame_status(frame)
            if status is not None:
                yield status_to_post(status, self.is_brand, self.channel.name)
        except BadInput as exc:
            yield exc

    def outgoing_text(self, reply: OutgoingReply) -> str:
        """The text as it goes out: Mastodon notifies only the accounts a status mentions, so the recipient's
        @handle is prepended when the reply does not already name them (and counts toward the limit)."""
        return with_mention(self.kind, reply.text, reply.recipient_handle)

    def _publish(self, reply: OutgoingReply) -> Delivery:
        status = self._call(
            "status_post",
            self.outgoing_text(reply),
            in_reply_to_id=reply.in_reply_to or None,
            visibility="direct" if reply.private else "public",
            idempotency_key=reply.idempotency_key,
        )
        return Delivery(state="sent", external_id=str(status.get("id")), permalink=status.get("url"))

    def close(self) -> None:
        self.api.close()


def _plain(value: Any) -> Any:
    """Mastodon.py's entity back to the JSON Mastodon sent (it turns times into datetimes): the parser and the
    raw payload Heard keeps see the network's own shape."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value


def _num(value: str) -> int:
    return int(value) if value.isdigit() else 0


def _id_order(item: Any) -> int:
    return _num(str(item.get("id", ""))) if isinstance(item, dict) else 0
