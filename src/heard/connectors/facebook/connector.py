"""Facebook Pages through the Graph API with httpx.

Reads: polling `/{page-id}/feed` with each post's newest comments (a high-water mark keeps restarts gap- and
duplicate-free), and signed webhooks (`feed` and `mention` changes, Messenger `messages`), verified with
`X-Hub-Signature-256` before parsing; `verify_subscription` answers Meta's hub.* handshake.
Publishes: a public comment reply (`POST /{comment-id}/comments`); a private reply to a comment through the
Send API (`recipient.comment_id`), which Meta allows once per comment and within 7 days of it; a Messenger
reply (`recipient.id`) to someone who wrote to the page: within 24 hours of their last message as a
`RESPONSE`, from 24 hours to 7 days only with the `HUMAN_AGENT` tag (the app needs Meta's Human Agent
permission; option human_agent, on by default), later not at all.
The feed is paged (`paging.next`) until it reaches the stored mark. The Graph version is a setting
(graph_version, default `versions.GRAPH_DEFAULT`); a read warns in health 90 days before its sunset.

Options: page_id, page_token (a Page access token with pages_read_engagement, pages_manage_engagement,
pages_messaging), app_secret and verify_token (webhooks), graph_version.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

import httpx

from heard.clock import Clock
from heard.connectors.base import (
    ChannelConfig,
    Connector,
    Delivery,
    OutgoingReply,
    PublishRefused,
    ReadResult,
    parse_each,
)
from heard.connectors.facebook.parse import change_to_post, delivery_items, message_to_post, node_to_post
from heard.connectors.facebook.signatures import handshake, signature_ok
from heard.connectors.failures import AuthFailed, RateLimited
from heard.connectors.http import Api
from heard.connectors.marks import Mark, dump_cursor, load_cursor
from heard.connectors.registry import register
from heard.connectors.versions import GRAPH_DEFAULT, graph_sunset, sunset_notice
from heard.errors import BadInput
from heard.posts import RawPost

GRAPH = "https://graph.facebook.com"
VERSION = GRAPH_DEFAULT
#: Messenger's standard messaging window, and the longest a HUMAN_AGENT-tagged reply may come after it
STANDARD_WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)
MAX_PAGES = 10
MESSENGER_MAX_CHARS = 2000
#: Graph error codes that mean "slow down" (app, user, page and business use case limits)
_THROTTLED = {4, 17, 32, 613, 80001, 80002, 80004, 80005, 80006, 80008}
COMMENT_FIELDS = "id,message,created_time,from,parent{id},permalink_url"
FEED_FIELDS = (
    f"id,message,created_time,from,permalink_url,comments.order(reverse_chronological).limit(100){{{COMMENT_FIELDS}}}"
)


def throttle_wait(response: httpx.Response) -> float:
    """Minutes to wait from X-Business-Use-Case-Usage (estimated_time_to_regain_access), in seconds."""
    try:
        usage = json.loads(response.headers.get("x-business-use-case-usage", "{}"))
        minutes = max(int(u.get("estimated_time_to_regain_access", 0)) for entries in usage.values() for u in entries)
    except (ValueError, TypeError, AttributeError):
        minutes = 0
    return max(60.0, minutes * 60.0) if minutes else 300.0


@register
class FacebookConnector(Connector):
    """A Facebook Page: feed comments, mentions and Messenger; public and private replies."""

    kind = "facebook"
    max_chars = 8000
    capabilities = frozenset({"read", "publish", "private", "webhook"})
    required_options: ClassVar[tuple[str, ...]] = ("page_id", "page_token")
    secret_options = frozenset({"page_token", "app_secret", "verify_token"})
    private_reply_window = timedelta(days=7)

    def __init__(
        self, channel: ChannelConfig, *, transport: httpx.BaseTransport | None = None, clock: Clock | None = None
    ) -> None:
        super().__init__(channel, transport=transport, clock=clock)
        self.version = str(channel.options.get("graph_version") or VERSION)
        self.api = Api(f"{GRAPH}/{self.version}", transport=transport, clock=self.clock, classify=self._throttled)
        self._private_done: set[str] = set()

    def _throttled(self, response: httpx.Response) -> Exception | None:
        try:
            code = int(response.json()["error"]["code"])
        except (ValueError, KeyError, TypeError):
            return None
        if code in _THROTTLED:
            return RateLimited(f"Facebook Graph throttled the page (error {code})", throttle_wait(response))
        if code == 10900:
            return PublishRefused("Meta allows one private reply per comment, and this comment already has one")
        return None

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.option('page_token')}"}

    def is_brand(self, author_handle: str) -> bool:
        return author_handle == str(self.channel.options.get("page_id")) or super().is_brand(author_handle)

    def read(self, cursor: str | None) -> ReadResult:
        state = load_cursor(cursor)
        mark = Mark.from_json(state.get("f"))
        page_id = self.option("page_id")
        posts: list[RawPost] = []
        rejected: list[BadInput] = []
        seen: list[tuple[float, str]] = []
        params: dict[str, str] = {"fields": FEED_FIELDS, "limit": "25"}
        for _ in range(MAX_PAGES):
            feed = self.api.json("GET", f"/{page_id}/feed", params=params, headers=self._auth())
            before = len(seen)
            for node in feed.get("data") or []:
                self._keep(node, None, mark, posts, rejected, seen)
                comments = node.get("comments") if isinstance(node, dict) else None
                for comment in (comments or {}).get("data") or [] if isinstance(comments, dict) else []:
                    self._keep(comment, str(node.get("id")), mark, posts, rejected, seen)
            after = ((feed.get("paging") or {}).get("cursors") or {}).get("after")
            # newest first: a page whose posts reach the mark ends the read (a first read takes one page)
            reached = any(when <= mark.time for when, _ in seen[before:])
            if not mark.time or reached or not after or not (feed.get("paging") or {}).get("next"):
                break
            params["after"] = str(after)
        state["f"] = mark.advance(seen).to_json()
        notice = sunset_notice("Graph", self.version, graph_sunset(self.version), self.clock.now().date())
        return ReadResult(posts=posts, cursor=dump_cursor(state), rejected=rejected, notices=[notice] if notice else [])

    def _keep(
        self,
        node: Any,
        parent: str | None,
        mark: Mark,
        posts: list[RawPost],
        rejected: list[BadInput],
        seen: list[tuple[float, str]],
    ) -> None:
        try:
            post = node_to_post(node, self.is_brand, self.channel.name, parent, self.option("page_id"))
        except BadInput as exc:
            rejected.append(exc)
            return
        when = post.created_at.timestamp()
        seen.append((when, post.external_id))
        if mark.is_new(when, post.external_id):
            posts.append(post)

    def verify_subscription(self, params: Mapping[str, str]) -> str:
        """The body answering Meta's GET handshake; AuthFailed (answer 403) when the token is wrong."""
        challenge = handshake(params, self.option("verify_token"))
        if challenge is None:
            raise AuthFailed("Meta webhook handshake: wrong hub.verify_token or hub.mode")
        return challenge

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> ReadResult:
        lowered = {k.lower(): v for k, v in headers.items()}
        if not signature_ok(self.option("app_secret"), body, lowered.get("x-hub-signature-256")):
            raise AuthFailed("X-Hub-Signature-256 does not match: not from Meta, or the app secret is wrong")
        posts: list[RawPost] = []
        rejected: list[BadInput] = []
        try:
            items = list(delivery_items(json.loads(body)))
        except (ValueError, BadInput) as exc:
            reason = exc.reason if isinstance(exc, BadInput) else "Meta webhook body is not JSON"
            return ReadResult([], None, [BadInput(reason, body[:2000].decode("utf-8", "replace"))])

        def parse(item: tuple[str, Any]) -> RawPost | None:
            kind, value = item
            return (change_to_post if kind == "change" else message_to_post)(value, self.is_brand, self.channel.name)

        parse_each(items, parse, posts, rejected)
        return ReadResult(posts=posts, cursor=None, rejected=rejected)

    def _publish(self, reply: OutgoingReply) -> Delivery:
        if not reply.in_reply_to:
            return Delivery(state="failed", error="a Facebook reply needs the comment or message it answers")
        if not reply.private:
            made = self.api.json(
                "POST", f"/{reply.in_reply_to}/comments", json={"message": reply.text}, headers=self._auth()
            )
            return Delivery(state="sent", external_id=str(made.get("id") or "") or None)
        return self._private(reply)

    def _private(self, reply: OutgoingReply) -> Delivery:
        target = str(reply.in_reply_to)
        if len(reply.text) > MESSENGER_MAX_CHARS:
            raise PublishRefused(f"Messenger allows {MESSENGER_MAX_CHARS} characters; this reply has {len(reply.text)}")
        if target.startswith(("m_", "mid.")):  # answering a Messenger message: reply to its sender
            body: dict[str, Any] = {
                "recipient": {"id": reply.recipient_id},
                "message": {"text": reply.text},
                **self._messenger_window(reply),
            }
        else:
            if target in self._private_done:
                raise PublishRefused("Meta allows one private reply per comment, and this comment already has one")
            body = {"recipient": {"comment_id": target}, "message": {"text": reply.text}}
        sent = self.api.json("POST", f"/{self.option('page_id')}/messages", json=body, headers=self._auth())
        self._private_done.add(target)
        return Delivery(state="sent", external_id=str(sent.get("message_id") or "") or None)

    def _messenger_window(self, reply: OutgoingReply) -> dict[str, str]:
        """How Meta lets this Messenger reply go: a RESPONSE within 24 hours of the customer's message; from
        then to 7 days only tagged HUMAN_AGENT (a person answering, which this is); after that, not at all."""
        if reply.in_reply_to_created_at is None:
            return {"messaging_type": "RESPONSE"}
        age = self.clock.now() - reply.in_reply_to_created_at
        if age <= STANDARD_WINDOW:
            return {"messaging_type": "RESPONSE"}
        human_agent = str(self.channel.options.get("human_agent", "true")).lower() not in {"0", "false", "no"}
        if age <= HUMAN_AGENT_WINDOW and human_agent:
            return {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}
        limit = "7 days (HUMAN_AGENT)" if human_agent else "24 hours"
        raise PublishRefused(
            f"Messenger allows a reply within {limit} of the customer's message; this one is "
            f"{age.days} days {age.seconds // 3600} hours old: answer in public or wait for them to write again"
        )

    def close(self) -> None:
        self.api.close()
