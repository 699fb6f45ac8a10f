"""Bluesky through the atproto SDK's `Client` (fed Heard's httpx transport: `Request(transport=...)`) and Jetstream
over WebSocket.

Reads, by `mode`: "jetstream" (default) takes a slice of the firehose and keeps posts that mention or answer
the brand or fit a keyword or hashtag (the brand's own DIDs mark its posts); "search" polls
app.bsky.feed.searchPosts for the rules and app.bsky.notification.listNotifications (reasons mention, reply,
quote) for mentions, each paged with its cursor until the stored mark is reached. Publishes replies with
`send_post` (root and parent strong refs looked up with app.bsky.feed.getPosts; link, tag and mention facets;
`langs`), and direct messages through the chat service (chat.bsky.convo.getConvoForMembers, then sendMessage).

Credentials: identifier (the brand's handle) and app_password; the session (access JWT 2 h, refresh JWT
about 2 months) is kept in the `session` option and renewed by the SDK before the access JWT lapses, so a read
does not call createSession (300 a day per account); an ExpiredToken answer renews once, a refused renewal
logs in again with the app password, and a refused login is ReconnectNeeded.

Options also: service (https://bsky.social), mode, jetstream (URL), brand_dids (comma-separated; the DID of
the logged-in account joins them), window_s (seconds per jetstream slice), langs (default "en").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

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
from heard.connectors.bluesky.parse import matches, view_to_post, web_link
from heard.connectors.extras import require
from heard.connectors.failures import ApiRejected, AuthFailed, ReconnectNeeded, Unavailable
from heard.connectors.http import OUTAGE_WAIT_S, Budget, failure_for
from heard.connectors.marks import Mark, dump_cursor, load_cursor
from heard.connectors.registry import register
from heard.errors import BadInput
from heard.posts import RawPost, parse_time

T = TypeVar("T")
NOTIFIED = {"mention", "reply", "quote"}
MAX_PAGES = 10
CHAT_PROXY = "did:web:api.bsky.chat#bsky_chat"
CHAT_MAX_CHARS = 1000


@register
class BlueskyConnector(Connector):
    """A Bluesky account: firehose or search listening, replies in the thread."""

    kind = "bluesky"
    max_chars = 300
    capabilities = frozenset({"read", "publish", "private", "stream", "search"})
    required_options: ClassVar[tuple[str, ...]] = ("identifier", "app_password")
    secret_options = frozenset({"app_password", "session"})

    def __init__(
        self, channel: ChannelConfig, *, transport: httpx.BaseTransport | None = None, clock: Clock | None = None
    ) -> None:
        super().__init__(channel, transport=transport, clock=clock)
        self.service = str(channel.options.get("service") or "https://bsky.social").rstrip("/")
        self.budget = Budget(self.clock)
        self._client: Any = None
        self._dids: frozenset[str] | None = None

    def cooldown_s(self) -> float:
        return self.budget.cooldown_s()

    def continuous(self) -> bool:
        return bool(self.channel.options.get("mode", "jetstream") == "jetstream")

    def client(self) -> Any:
        """The SDK's Client with a session: the stored one when there is one, else a login with the app password.
        Every session the SDK creates or refreshes is handed back (`renewed["session"]`) to be stored."""
        if self._client is not None:
            return self._client
        atproto = require("atproto", "bluesky")
        clock = self.clock
        budget = self.budget

        class Client(atproto.Client):  # type: ignore[misc,name-defined]
            def get_current_time(self) -> datetime:
                return clock.now()  # the SDK decides when the access JWT is due for renewal from this

        def note(response: httpx.Response) -> None:
            budget.note(response.headers)

        request = atproto.Request(transport=self.transport, timeout=20.0, event_hooks={"response": [note]})
        client = Client(base_url=self.service, request=request)
        client.on_session_change(lambda event, session: self.renewed.update(session=client.export_session_string()))
        self._client = client
        stored = self.renewed.get("session") or self.channel.options.get("session")
        if stored:
            self._call(lambda: client.login(session_string=str(stored), fetch_bsky_profile=False))
        else:
            self._login()
        return client

    def _login(self) -> None:
        errors = require("atproto_client.exceptions", "bluesky")
        try:
            self._client.login(self.option("identifier"), self.option("app_password"), fetch_bsky_profile=False)
        except errors.UnauthorizedError as exc:
            raise ReconnectNeeded(f"Bluesky refused the app password ({_error(exc)}): add a new one") from None
        except errors.AtProtocolError as exc:
            raise self._failure(exc, "createSession") from None

    def _call(self, call: Callable[[], T]) -> T:
        """One SDK call; an expired or revoked session renews once (refresh JWT, then the app password)."""
        errors = require("atproto_client.exceptions", "bluesky")
        try:
            return call()
        except (errors.BadRequestError, errors.UnauthorizedError) as exc:
            if _error(exc) not in {"ExpiredToken", "InvalidToken", "AuthenticationRequired"}:
                raise self._failure(exc, "xrpc") from None
        except errors.AtProtocolError as exc:
            raise self._failure(exc, "xrpc") from None
        self._renew()
        try:
            return call()
        except errors.AtProtocolError as exc:
            raise self._failure(exc, "xrpc") from None

    def _renew(self) -> None:
        """refreshSession with the refresh JWT; when that too is refused, createSession with the app password."""
        errors = require("atproto_client.exceptions", "bluesky")
        try:
            self._client._refresh_and_set_session()  # the SDK's own renewal, used when it saw the JWT expire
            return
        except errors.AtProtocolError:
            pass
        self._login()

    def _failure(self, exc: Exception, where: str) -> Exception:
        response = getattr(exc, "response", None)
        if response is None:
            return Unavailable(f"Bluesky {where} failed: {type(exc).__name__}", OUTAGE_WAIT_S)
        status = int(getattr(response, "status_code", 0) or 0)
        return failure_for(status, dict(response.headers or {}), f"Bluesky {where}", _error(exc), self.clock)

    def _query_raw(self, nsid: str, params: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
        client = self.client()
        answer = self._call(lambda: client.invoke_query(nsid, params=params, headers=headers))
        return answer.content if isinstance(answer.content, dict) else {}

    def read(self, cursor: str | None) -> ReadResult:
        if self.channel.options.get("mode", "jetstream") == "jetstream":
            return self._read_jetstream(cursor)
        models = require("atproto", "bluesky").models
        state = load_cursor(cursor)
        posts: list[RawPost] = []
        rejected: list[BadInput] = []
        mark = Mark.from_json(state.get("n"))
        pages = self._pages(
            "app.bsky.notification.listNotifications",
            lambda page: models.AppBskyNotificationListNotifications.Params(
                limit=100, cursor=page, reasons=sorted(NOTIFIED)
            ),
            "notifications",
            mark,
        )
        views = [n for n in pages if isinstance(n, dict) and n.get("reason") in NOTIFIED]
        state["n"] = self._keep_new(views, mark, posts, rejected).to_json()
        query = self._query()
        if query:
            mark = Mark.from_json(state.get("s"))
            since = _stamp(datetime.fromtimestamp(mark.time, tz=UTC)) if mark.time else None
            found = self._pages(
                "app.bsky.feed.searchPosts",
                lambda page: models.AppBskyFeedSearchPosts.Params(
                    q=query, sort="latest", limit=100, since=since, cursor=page
                ),
                "posts",
                mark,
            )
            state["s"] = self._keep_new(found, mark, posts, rejected).to_json()
        return ReadResult(posts=posts, cursor=dump_cursor(state), rejected=rejected)

    def _pages(self, nsid: str, params: Callable[[str | None], Any], field: str, mark: Mark) -> list[Any]:
        """Items of every page (newest first, `cursor` to the next) until one reaches the stored mark: a burst
        of mentions between two reads is read whole. A first read (no mark) takes one page."""
        items: list[Any] = []
        page: str | None = None
        for _ in range(MAX_PAGES):
            found = self._query_raw(nsid, params(page))
            batch = [v for v in found.get(field) or [] if isinstance(v, dict)]
            items += batch
            page = found.get("cursor")
            if not page or not batch or not mark.time or _reaches(batch, mark):
                break
        return items

    def backfill(self, hashtags: tuple[str, ...], since: datetime) -> ReadResult:
        """searchPosts for the tags since `since` (the AppView's search, whichever read mode the channel uses)."""
        posts: list[RawPost] = []
        rejected: list[BadInput] = []
        terms = [f"#{t.lstrip('#')}" for t in hashtags if t.strip("#")]
        params: dict[str, Any] = {"q": " OR ".join(terms), "sort": "latest", "limit": 100, "since": _stamp(since)}
        models = require("atproto", "bluesky").models
        for _ in range(BACKFILL_PAGES if terms else 0):
            found = self._query_raw("app.bsky.feed.searchPosts", models.AppBskyFeedSearchPosts.Params(**params))
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
        dids = self.brand_dids()
        rules = self.channel.rules
        got = jetstream.read_slice(
            str(self.channel.options.get("jetstream") or jetstream.DEFAULT_URL),
            cursor,
            float(self.channel.options.get("window_s", 10.0)),
            # no cap but the window: a cap per read was what held intake near 625 events/s
            int(self.channel.options.get("max_events") or 10**12),
            keep=lambda post, record: matches(post, record, rules, dids),
            to_post=lambda event: jetstream.jetstream_post(event, self.jetstream_is_brand, self.channel.name),
            prefilter=self.prefilter(),
            compress=str(self.channel.options.get("compress", "")).lower() in {"1", "true", "yes"},
            now=self.clock.now(),
            # the connection stays open for the channel's next window (the listen loop reads it at once)
            hold=None if self.channel.options.get("hold") in (False, "false") else f"bluesky:{self.channel.name}",
        )
        return ReadResult(
            posts=got.posts,
            cursor=got.dump() if got.cursor else cursor,
            rejected=got.rejected,
            notices=got.notices,
        )

    def prefilter(self) -> jetstream.Prefilter:
        """The raw-bytes filter for this channel's rules: the brand's DIDs, handles, keywords and hashtags."""
        rules = self.channel.rules
        handles = [*rules.handles, *self.channel.brand_handles, *([self.channel.handle] if self.channel.handle else [])]
        return jetstream.Prefilter(self.brand_dids(), handles, rules.keywords, rules.hashtags)

    def brand_dids(self) -> set[str]:
        """The brand's DIDs: configured ones, plus the logged-in account's once a session exists."""
        dids = {d.strip() for d in str(self.channel.options.get("brand_dids", "")).split(",") if d.strip()}
        session = getattr(self._client, "_session", None)
        if session is not None and getattr(session, "did", None):
            dids.add(str(session.did))
        return dids

    def jetstream_is_brand(self, author: str) -> bool:
        """Jetstream names authors by DID only: the brand's DIDs are what mark its own posts."""
        if self._dids is None:
            self._dids = frozenset(self.brand_dids())
        return author in self._dids or self.is_brand(author)

    def _publish(self, reply: OutgoingReply) -> Delivery:
        if reply.private:
            return self._message(reply)
        models = require("atproto", "bluesky").models
        client = self.client()
        reply_ref = None
        if reply.in_reply_to:
            found = self._query_raw(
                "app.bsky.feed.getPosts", models.AppBskyFeedGetPosts.Params(uris=[reply.in_reply_to])
            )
            views = found.get("posts") or []
            if not views:
                return Delivery(state="failed", error=f"the post {reply.in_reply_to} is gone")
            parent = {"uri": views[0]["uri"], "cid": views[0]["cid"]}
            root = (views[0].get("record") or {}).get("reply", {}).get("root") or parent
            reply_ref = models.AppBskyFeedPost.ReplyRef(
                root=models.ComAtprotoRepoStrongRef.Main(uri=root["uri"], cid=root["cid"]),
                parent=models.ComAtprotoRepoStrongRef.Main(**parent),
            )
        facets = self._facets(reply.text)
        langs = [x.strip() for x in str(self.channel.options.get("langs") or "en").split(",") if x.strip()]
        did = str(client._session.did)
        made = self._call(
            lambda: client.send_post(
                reply.text, profile_identify=did, reply_to=reply_ref, langs=langs, facets=facets or None
            )
        )
        uri = str(made.uri or "")
        handle = str(getattr(client._session, "handle", "") or did)
        return Delivery(state="sent", external_id=uri or None, permalink=web_link(handle, uri) if uri else None)

    def _facets(self, text: str) -> list[Any]:
        """Links, tags and mentions as rich-text facets (byte offsets, as Bluesky counts them): links and tags
        found by the SDK, each @handle resolved to its DID (one that does not resolve stays plain text)."""
        utils = require("atproto_client.utils.facet_detection", "bluesky")
        models = require("atproto", "bluesky").models
        facets = list(utils.detect_facets(text))
        for mention in utils.detect_mentions(text):
            try:
                found = self._query_raw(
                    "com.atproto.identity.resolveHandle",
                    models.ComAtprotoIdentityResolveHandle.Params(handle=mention.handle),
                )
            except (ApiRejected, AuthFailed):
                continue
            if found.get("did"):
                facets.append(
                    models.AppBskyRichtextFacet.Main(
                        index=models.AppBskyRichtextFacet.ByteSlice(
                            byte_start=mention.byte_start, byte_end=mention.byte_end
                        ),
                        features=[models.AppBskyRichtextFacet.Mention(did=found["did"])],
                    )
                )
        return sorted(facets, key=lambda facet: facet.index.byte_start)

    def _message(self, reply: OutgoingReply) -> Delivery:
        """A direct message through the chat service (the app password must allow direct messages)."""
        if not reply.recipient_id or not reply.recipient_id.startswith("did:"):
            return Delivery(state="failed", error="a Bluesky direct message needs the recipient's DID")
        if len(reply.text) > CHAT_MAX_CHARS:
            raise PublishRefused(f"Bluesky messages allow {CHAT_MAX_CHARS} characters; this one has {len(reply.text)}")
        models = require("atproto", "bluesky").models
        client = self.client()
        proxy = {"atproto-proxy": CHAT_PROXY}
        convo = self._query_raw(
            "chat.bsky.convo.getConvoForMembers",
            models.ChatBskyConvoGetConvoForMembers.Params(members=[reply.recipient_id]),
            headers=proxy,
        )
        convo_id = str((convo.get("convo") or {}).get("id") or "")
        if not convo_id:
            return Delivery(state="failed", error="Bluesky opened no conversation with that account")
        data = models.ChatBskyConvoSendMessage.Data(
            convo_id=convo_id, message=models.ChatBskyConvoDefs.MessageInput(text=reply.text)
        )
        sent = self._call(lambda: client.invoke_procedure("chat.bsky.convo.sendMessage", data=data, headers=proxy))
        content = sent.content if isinstance(sent.content, dict) else {}
        return Delivery(state="sent", external_id=str(content.get("id") or "") or None)

    def close(self) -> None:
        if self._client is not None:
            self._client.request.close()


def _reaches(views: list[Any], mark: Mark) -> bool:
    """True when a page holds an item at or before the mark (the rest is already read)."""
    for view in views:
        try:
            if parse_time(view.get("indexedAt")).timestamp() <= mark.time:
                return True
        except BadInput:
            continue
    return False


def _error(exc: Exception) -> str:
    """The XRPC error name of an SDK exception ("ExpiredToken", "RateLimitExceeded"...), never a credential."""
    content = getattr(getattr(exc, "response", None), "content", None)
    return str(getattr(content, "error", "") or type(exc).__name__)


def _stamp(when: Any) -> str:
    return str(when.isoformat().replace("+00:00", "Z"))
