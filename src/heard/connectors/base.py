"""What a connector is. To add a network:

1. Create `heard/connectors/<network>/` with a subclass of `Connector`; set `kind`, `max_chars`, `capabilities`.
2. Implement `read(cursor)`: fetch what is new since `cursor` (a poll, a stream chunk, or a file slice) and return
   `ReadResult(posts, cursor, rejected)`; a payload that cannot become a post goes into `rejected` with its
   reason, never raised (the caller records it as a dead letter).
3. Implement `publish(reply)`: send one reply through the network's API and return a `Delivery`.
4. If the network pushes webhooks, implement `parse_webhook(headers, body)`, verifying the signature first.
5. Add the module path to `BUILTIN_CONNECTORS` in `registry.py`; built-ins register exactly like plugins.

Constructors take the channel plus, keyword-only, an httpx `transport` (tests pass `httpx.MockTransport` with
recorded responses; None means the real network) and a `clock`. `read` raises the failures in
`heard.connectors.failures` (RateLimited, Unavailable, AuthFailed, ...); `publish` turns a transient failure into
a failed `Delivery` with `retry_after_s`, so the publisher retries later.

Invariants the base class guards (subclasses implement `_publish`, not `publish`):
- a note never leaves Heard; a reply already published is never sent twice (idempotency key);
- a reply longer than the network allows is refused before any request is made;
- the brand's own posts come back with `is_brand=True`, so they never re-enter as customer posts.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar, TypeVar

import httpx

from heard.clock import Clock, SystemClock
from heard.connectors.failures import Misconfigured, Transient
from heard.errors import BadInput
from heard.lengths import counted_length
from heard.posts import RawPost

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ListeningRules:
    handles: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ChannelConfig:
    """A configured account: `options` holds network settings and credentials (never logged)."""

    name: str
    kind: str
    handle: str | None = None
    brand_handles: tuple[str, ...] = ()
    rules: ListeningRules = ListeningRules()
    options: Mapping[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"ChannelConfig(name={self.name!r}, kind={self.kind!r}, handle={self.handle!r})"


@dataclass(frozen=True, slots=True)
class ReadResult:
    posts: list[RawPost]
    cursor: str | None
    rejected: list[BadInput] = field(default_factory=list)
    #: what the channel's health should say beside "ok" (a replay gap Jetstream cannot fill)
    notices: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class OutgoingReply:
    """A reply to publish. `idempotency_key` (Heard's message id) keeps a retry from posting twice."""

    idempotency_key: str
    text: str
    in_reply_to: str | None
    recipient_id: str | None = None
    recipient_handle: str | None = None
    private: bool = False
    kind: str = "reply"  # "reply" or "note"; notes never leave
    #: when the post being answered was written; networks that limit replies by age (Meta) check it
    in_reply_to_created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    state: str  # "sent" | "failed"
    external_id: str | None = None
    error: str | None = None
    retry_after_s: float | None = None
    permalink: str | None = None


def parse_each(
    items: Iterable[T], parse: Callable[[T], RawPost | None], posts: list[RawPost], rejected: list[BadInput]
) -> None:
    """Parse every item of a payload: a bad one is set aside with its reason (never raised, so one broken item
    does not cost the others), an item that is not a post is skipped, the rest join `posts`."""
    for item in items:
        try:
            post = parse(item)
        except BadInput as exc:
            rejected.append(exc)
            continue
        if post is not None:
            posts.append(post)


class PublishRefused(Exception):
    """The reply cannot be published as asked (too long, private replies not allowed, a note)."""


class BackfillUnsupported(Exception):
    """The network (or Heard's connector for it) cannot search its past posts by hashtag."""


#: The most pages one back-fill reads per hashtag, whatever the network's search would give.
BACKFILL_PAGES = 10


class Connector(ABC):
    kind: ClassVar[str]
    max_chars: ClassVar[int] = 280
    #: what the network lets Heard do: "read", "publish", "private", "webhook", "stream"
    capabilities: ClassVar[frozenset[str]] = frozenset({"read"})
    #: options a channel must set (checked by `heard channels add`), and options that are secrets
    required_options: ClassVar[tuple[str, ...]] = ()
    secret_options: ClassVar[frozenset[str]] = frozenset()
    #: the oldest post a private reply may answer (Meta: 7 days); None means no limit
    private_reply_window: ClassVar[timedelta | None] = None

    def __init__(
        self, channel: ChannelConfig, *, transport: httpx.BaseTransport | None = None, clock: Clock | None = None
    ) -> None:
        self.channel = channel
        self.transport = transport
        self.clock: Clock = clock or SystemClock()
        self._published: dict[str, Delivery] = {}
        #: credentials a renewal replaced (new access token, rotated refresh token, expiry): the caller stores
        #: them back into the channel, encrypted, so the next connector built starts from them
        self.renewed: dict[str, Any] = {}
        #: reads the channel's credentials as stored now (the listen loop and the publisher set it): before
        #: renewing, a connector adopts a token another process renewed, rather than spending a rotated
        #: refresh token that the other renewal already replaced
        self.stored_credentials: Callable[[], Mapping[str, Any]] | None = None

    @abstractmethod
    def read(self, cursor: str | None) -> ReadResult: ...

    def publish(self, reply: OutgoingReply) -> Delivery:
        if reply.kind == "note":
            raise PublishRefused("a private note never leaves Heard")
        if reply.idempotency_key in self._published:
            return self._published[reply.idempotency_key]
        length = counted_length(self.outgoing_text(reply), self.kind)
        if length > self.max_chars:
            raise PublishRefused(f"{self.kind} allows {self.max_chars} characters; this reply has {length}")
        if reply.private and "private" not in self.capabilities:
            raise PublishRefused(f"{self.kind} does not allow private replies from Heard")
        if "publish" not in self.capabilities:
            raise PublishRefused(f"{self.kind} is read-only in Heard")
        self._check_private_window(reply)
        try:
            delivery = self._publish(reply)
        except Transient as exc:
            return Delivery(state="failed", error=str(exc), retry_after_s=exc.retry_after_s)
        if delivery.state == "sent":
            self._published[reply.idempotency_key] = delivery
        return delivery

    def outgoing_text(self, reply: OutgoingReply) -> str:
        """The text exactly as it will be sent (Mastodon prefixes the recipient's @handle): what the length
        check counts, as the network counts it (`heard.lengths`)."""
        return reply.text

    def _check_private_window(self, reply: OutgoingReply) -> None:
        window = self.private_reply_window
        if not reply.private or window is None or reply.in_reply_to_created_at is None:
            return
        age = self.clock.now() - reply.in_reply_to_created_at
        if age > window:
            raise PublishRefused(
                f"{self.kind} allows a private reply only within {window.days} days of the post; "
                f"this one is {age.days} days old: answer in public instead"
            )

    def _publish(self, reply: OutgoingReply) -> Delivery:
        raise PublishRefused(f"{self.kind} cannot publish")

    def backfill(self, hashtags: tuple[str, ...], since: datetime) -> ReadResult:
        """Posts carrying any of `hashtags` from `since` on, as far back as the network's search reaches (X's
        recent search: 7 days), newest first, at most `BACKFILL_PAGES` pages a tag. A one-off read for a hashtag
        that just joined the listening rules: it has no cursor and moves none. Connectors with the "search"
        capability implement it."""
        raise BackfillUnsupported(f"{self.kind} cannot search past posts by hashtag; only new ones will be read")

    def continuous(self) -> bool:
        """True for a channel that listens on a stream (Jetstream, Mastodon streaming): the listen loop reads it
        again as soon as a window ends, resuming from the cursor, so it stays connected but for a reconnect."""
        return False

    def cooldown_s(self) -> float:
        """Seconds to wait before the next read because the last one spent the rate-limit window."""
        api = getattr(self, "api", None)
        return float(api.cooldown_s()) if api is not None and hasattr(api, "cooldown_s") else 0.0

    def close(self) -> None:
        """Release network clients; the listen loop calls it when a channel stops."""
        return None

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> ReadResult:
        raise PublishRefused(f"{self.kind} does not receive webhooks")

    def option(self, name: str, default: str | None = None) -> str:
        """A channel option as text, or Misconfigured naming the option that is missing."""
        value = self.renewed.get(name, self.channel.options.get(name, default))
        if value is None or value == "":
            raise Misconfigured(f"the {self.kind} channel {self.channel.name!r} needs the option {name!r}")
        return str(value)

    def is_brand(self, author_handle: str) -> bool:
        handle = author_handle.lstrip("@").lower()
        own = {h.lstrip("@").lower() for h in self.channel.brand_handles}
        if self.channel.handle:
            own.add(self.channel.handle.lstrip("@").lower())
        return handle in own
