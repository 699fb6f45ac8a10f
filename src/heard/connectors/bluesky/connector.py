"""Bluesky over XRPC with httpx (the atproto SDK's client cannot take Heard's injected transport) and Jetstream
over WebSocket.

Reads, by `mode`: "jetstream" (default) takes a slice of the firehose and keeps posts that mention or answer
the brand or fit a keyword or hashtag; "search" polls app.bsky.feed.searchPosts for the rules and
app.bsky.notification.listNotifications for mentions, replies and quotes. Publishes replies with
com.atproto.repo.createRecord (root and parent strong refs looked up with app.bsky.feed.getPosts), and
direct messages through the chat service (chat.bsky.convo.getConvoForMembers, then sendMessage).

Options: identifier (the brand's handle), app_password, service (https://bsky.social), mode, jetstream (URL),
brand_dids (comma-separated, for jetstream matching), window_s (seconds per jetstream slice).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx

from heard.clock import Clock
from heard.connectors.base import (
    BACKFILL_PAGES,
    ChannelConfig,
    Connector,
    Delivery,
    OutgoingReply,
    PublishRefused,
    ReadResult,
)
from heard.connectors.bluesky import jetstream
from heard.connectors.bluesky.parse import POST, matches, view_to_post, web_link
from heard.connectors.http import Api
from heard.connectors.marks import Mark, dump_cursor, load_cursor
from heard.connectors.registry import register
from heard.errors import BadInput
from heard.posts import RawPost, parse_time

NOTIFIED = {"mention", "reply", "quote"}
CHAT_PROXY = "did:web:api.bsky.chat#bsky_chat"
CHAT_MAX_CHARS = 1000


@register
class BlueskyConnector(Connector):
    """A Bluesky account: firehose or search listening, replies in the thread."""

    kind = "bluesky"
    max_chars = 300
    capabilities = frozenset({"read", "publish", "private", "stream", "search"})
    required_options: ClassVar[tuple[str, ...]] = ("identifier", "app_password")
    secret_options = frozenset({"app_password"})

    def __init__(
        self, channel: ChannelConfig, *, transport: httpx.BaseTransport | None = None, clock: Clock | None = None
    ) -> None:
        super().__init__(channel, transport=transport, clock=clock)
        service = str(channel.options.get("service") or "https://bsky.social").rstrip("/")
        self.api = Api(service, transport=transport, clock=self.clock)
        self._session: dict[str, Any] | None = None

    def _auth(self) -> dict[str, str]:
        if self._session is None:
            self._session = self.api.json(
                "POST",
                "/xrpc/com.atproto.server.createSession",
                json={"identifier": self.option("identifier"), "password": self.option("app_password")},
            )
        return {"Authorization": f"Bearer {self._session.get('accessJwt', '')}"}

    def read(self, cursor: str | None) -> ReadResult:
        if self.channel.options.get("mode", "jetstream") == "jetstream":
            return self._read_jetstream(cursor)
        state = load_cursor(cursor)
        posts: list[RawPost] = []
        rejected: list[BadInput] = []
        found = self.api.json(
            "GET", "/xrpc/app.bsky.notification.listNotifications", params={"limit": "100"}, headers=self._auth()
        )
        views = [n for n in found.get("notifications") or [] if isinstance(n, dict) and n.get("reason") in NOTIFIED]
        state["n"] = self._keep_new(views, Mark.from_json(state.get("n")), posts, rejected).to_json()
        query = self._query()
        if query:
            mark = Mark.from_json(state.get("s"))
            params = {"q": query, "sort": "latest", "limit": "100"}
            if mark.time:
                params["since"] = _stamp(datetime.fromtimestamp(mark.time, tz=UTC))
            found = self.api.json("GET", "/xrpc/app.bsky.feed.searchPosts", params=params, headers=self._auth())
            mark = self._keep_new(found.get("posts") or [], mark, posts, rejected)
            state["s"] = mark.to_json()
        return ReadResult(posts=posts, cursor=dump_cursor(state), rejected=rejected)

    def backfill(self, hashtags: tuple[str, ...], since: datetime) -> ReadResult:
        """searchPosts for the tags since `since` (the AppView's search, whichever read mode the channel uses)."""
        posts: list[RawPost] = []
        rejected: list[BadInput] = []
        terms = [f"#{t.lstrip('#')}" for t in hashtags if t.strip("#")]
        params = {"q": " OR ".join(terms), "sort": "latest", "limit": "100", "since": _stamp(since)}
        for _ in range(BACKFILL_PAGES if terms else 0):
            found = self.api.json("GET", "/xrpc/app.bsky.feed.searchPosts", params=params, headers=self._auth())
            self._keep_new(found.get("posts") or [], Mark(), posts, rejected)
            if not found.get("cursor") or not found.get("posts"):
                break
            params["cursor"] = str(found["cursor"])
        return ReadResult(posts=posts, cursor=None, rejected=rejected)

    def _query(self) -> str:
        rules = self.channel.rules
        terms = [f"@{h.lstrip('@')}" for h in rules.handles] + list(rules.keywords)
        terms += [f"#{t.lstrip('#')}" for t in rules.hashtags]
        return " OR ".join(terms)

    def _keep_new(self, views: list[Any], mark: Mark, posts: list[RawPost], rejected: list[BadInput]) -> Mark:
        seen: list[tuple[float, str]] = []
        keys = {p.key for p in posts}
        for view in views:
            try:
                when = parse_time(view.get("indexedAt") if isinstance(view, dict) else None).timestamp()
                post = view_to_post(view, self.is_brand, self.channel.name)
            except BadInput as exc:
                rejected.append(exc)
                continue
            if mark.is_new(when, post.external_id) and post.key not in keys:
                posts.append(post)
                keys.add(post.key)
            seen.append((when, post.external_id))
        return mark.advance(seen)

    def _read_jetstream(self, cursor: str | None) -> ReadResult:
        dids = {d.strip() for d in str(self.channel.options.get("brand_dids", "")).split(",") if d.strip()}
        rules = self.channel.rules
        got = jetstream.read_slice(
            str(self.channel.options.get("jetstream") or jetstream.DEFAULT_URL),
            cursor,
            float(self.channel.options.get("window_s", 20.0)),
            int(self.channel.options.get("max_events", 50_000)),
            keep=lambda post, record: matches(post, record, rules, dids),
            to_post=lambda event: jetstream.jetstream_post(event, self.is_brand, self.channel.name),
        )
        return ReadResult(posts=got.posts, cursor=got.dump() if got.cursor else cursor, rejected=got.rejected)

    def _publish(self, reply: OutgoingReply) -> Delivery:
        if reply.private:
            return self._message(reply)
        auth = self._auth()
        record: dict[str, Any] = {"$type": POST, "text": reply.text, "createdAt": _stamp(self.clock.now())}
        if reply.in_reply_to:
            found = self.api.json(
                "GET", "/xrpc/app.bsky.feed.getPosts", params={"uris": reply.in_reply_to}, headers=auth
            )
            views = found.get("posts") or []
            if not views:
                return Delivery(state="failed", error=f"the post {reply.in_reply_to} is gone")
            parent = {"uri": views[0]["uri"], "cid": views[0]["cid"]}
            root = (views[0].get("record") or {}).get("reply", {}).get("root") or parent
            record["reply"] = {"root": {"uri": root["uri"], "cid": root["cid"]}, "parent": parent}
        repo = str((self._session or {}).get("did", ""))
        made = self.api.json(
            "POST",
            "/xrpc/com.atproto.repo.createRecord",
            json={"repo": repo, "collection": POST, "record": record},
            headers=auth,
        )
        uri = str(made.get("uri") or "")
        handle = str((self._session or {}).get("handle") or repo)
        return Delivery(state="sent", external_id=uri or None, permalink=web_link(handle, uri) if uri else None)

    def _message(self, reply: OutgoingReply) -> Delivery:
        """A direct message through the chat service (the app password must allow direct messages)."""
        if not reply.recipient_id or not reply.recipient_id.startswith("did:"):
            return Delivery(state="failed", error="a Bluesky direct message needs the recipient's DID")
        if len(reply.text) > CHAT_MAX_CHARS:
            raise PublishRefused(f"Bluesky messages allow {CHAT_MAX_CHARS} characters; this one has {len(reply.text)}")
        headers = {**self._auth(), "atproto-proxy": CHAT_PROXY}
        convo = self.api.json(
            "GET", "/xrpc/chat.bsky.convo.getConvoForMembers", params={"members": reply.recipient_id}, headers=headers
        )
        convo_id = str((convo.get("convo") or {}).get("id") or "")
        if not convo_id:
            return Delivery(state="failed", error="Bluesky opened no conversation with that account")
        sent = self.api.json(
            "POST",
            "/xrpc/chat.bsky.convo.sendMessage",
            json={"convoId": convo_id, "message": {"text": reply.text}},
            headers=headers,
        )
        return Delivery(state="sent", external_id=str(sent.get("id") or "") or None)

    def close(self) -> None:
        self.api.close()


def _stamp(when: Any) -> str:
    return str(when.isoformat().replace("+00:00", "Z"))
