"""LinkedIn's Community Management API over httpx (LinkedIn ships no Python client that takes a transport).

Reads: `organizationalEntityNotifications` (comments on and mentions of the organization) from a time-range
high-water mark, and, for each post URN in `watch_posts`, its `socialActions/{urn}/comments`. Webhook
deliveries are checked with X-LI-Signature; `challenge_response` answers LinkedIn's validation.
Publishes: a comment as the organization (`POST /rest/socialActions/{urn}/comments`), threaded under the
comment it answers. LinkedIn offers pages no private messages.

Options: organization (urn:li:organization:<id>), access_token (w_organization_social, r_organization_social),
client_secret (webhooks), linkedin_version (YYYYMM), watch_posts (comma-separated URNs).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

import httpx

from heard.clock import Clock
from heard.connectors.base import ChannelConfig, Connector, Delivery, OutgoingReply, ReadResult, parse_each
from heard.connectors.failures import ApiRejected, AuthFailed, ReconnectNeeded
from heard.connectors.http import Api
from heard.connectors.linkedin.parse import comment_to_post, encode, full_urn, notification_to_post
from heard.connectors.linkedin.signatures import challenge_response, signature_ok
from heard.connectors.marks import Mark, dump_cursor, load_cursor
from heard.connectors.registry import register
from heard.connectors.renewal import expires_at, renewal_due
from heard.connectors.versions import LINKEDIN_DEFAULT, linkedin_sunset, sunset_notice
from heard.errors import BadInput
from heard.posts import RawPost

BASE_URL = "https://api.linkedin.com/rest"
VERSION = LINKEDIN_DEFAULT
ACTIONS = "List(COMMENT,ADMIN_COMMENT,SHARE_MENTION)"
TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken"  # noqa: S105 (an endpoint, not a secret)
FIRST_LOOK_BACK_MS = 24 * 3600 * 1000
PAGE = 100
MAX_PAGES = 10
EXPIRY_WARNING_S = 14 * 86400


@register
class LinkedInConnector(Connector):
    """A LinkedIn organization page: comments and mentions, replies as the organization."""

    kind = "linkedin"
    max_chars = 1250
    capabilities = frozenset({"read", "publish", "webhook"})
    required_options: ClassVar[tuple[str, ...]] = ("organization", "access_token")
    secret_options = frozenset({"access_token", "client_secret", "refresh_token"})

    def __init__(
        self, channel: ChannelConfig, *, transport: httpx.BaseTransport | None = None, clock: Clock | None = None
    ) -> None:
        super().__init__(channel, transport=transport, clock=clock)
        self.version = str(channel.options.get("linkedin_version") or VERSION)
        headers = {
            "LinkedIn-Version": self.version,
            "X-Restli-Protocol-Version": "2.0.0",
        }
        self.api = Api(BASE_URL, headers=headers, transport=transport, clock=self.clock)

    def _auth(self) -> dict[str, str]:
        if renewal_due(self.clock, self.renewed.get("token_expires_at", self.channel.options.get("token_expires_at"))):
            self._renew()
        return self._bearer()

    def _renew(self) -> None:
        """LinkedIn's programmatic refresh (apps it grants refresh tokens): a new access token (60 days) from the
        refresh token (a year); without one, or refused, the channel must be connected again."""
        if not self.channel.options.get("refresh_token"):
            raise ReconnectNeeded("the LinkedIn access token has lapsed (60 days): connect the account again")
        form = {
            "grant_type": "refresh_token",
            "refresh_token": self.option("refresh_token"),
            "client_id": self.option("client_id"),
            "client_secret": self.option("client_secret"),
        }
        try:
            token = self.api.json("POST", TOKEN_URL, data=form)
        except (AuthFailed, ApiRejected):
            raise ReconnectNeeded("LinkedIn refused to renew the access token: connect the account again") from None
        self.renewed.update(
            {
                "access_token": token["access_token"],
                "token_expires_at": expires_at(self.clock, token.get("expires_in")),
                "refresh_token": token.get("refresh_token") or self.option("refresh_token"),
            }
        )

    def _bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.option('access_token')}"}

    def is_brand(self, author_handle: str) -> bool:
        return author_handle == self.channel.options.get("organization") or super().is_brand(author_handle)

    def read(self, cursor: str | None) -> ReadResult:
        state = load_cursor(cursor)
        posts: list[RawPost] = []
        rejected: list[BadInput] = []
        mark = Mark.from_json(state.get("n"))
        now_ms = int(self.clock.now().timestamp() * 1000)
        start = int(mark.time * 1000) if mark.time else now_ms - FIRST_LOOK_BACK_MS
        # Rest.li wants List(...) and (start:,end:) literally and the URN percent-encoded, so the query is built here.
        query = (
            f"q=criteria&actions={ACTIONS}&organizationalEntity={encode(self.option('organization'))}"
            f"&timeRange=(start:{start},end:{now_ms})&count={PAGE}"
        )
        elements: list[Any] = []
        for page_number in range(MAX_PAGES):  # a busy day has more than one page of notifications: read them all
            found = self.api.json(
                "GET", f"/organizationalEntityNotifications?{query}&start={page_number * PAGE}", headers=self._auth()
            )
            batch = found.get("elements") or []
            elements += batch
            total = (found.get("paging") or {}).get("total")
            if len(batch) < PAGE or (isinstance(total, int) and (page_number + 1) * PAGE >= total):
                break
        items = [notification_to_post(e, self.is_brand, self.channel.name) for e in elements]
        state["n"] = self._keep([p for p in items if p], mark, posts).to_json()
        for urn in [u.strip() for u in str(self.channel.options.get("watch_posts", "")).split(",") if u.strip()]:
            key = f"p:{urn.rsplit(':', 1)[-1]}"
            page = self.api.json("GET", f"/socialActions/{encode(urn)}/comments", headers=self._auth())
            comments: list[RawPost] = []
            parse_each(
                page.get("elements") or [],
                lambda element: comment_to_post(element, self.is_brand, self.channel.name),
                comments,
                rejected,
            )
            state[key] = self._keep(comments, Mark.from_json(state.get(key)), posts).to_json()
        notices = [sunset_notice("LinkedIn", self.version, linkedin_sunset(self.version), self.clock.now().date())]
        notices.append(self._expiry_notice())
        return ReadResult(posts=posts, cursor=dump_cursor(state), rejected=rejected, notices=[n for n in notices if n])

    def _expiry_notice(self) -> str | None:
        """Without a refresh token the 60-day access token cannot renew: say so two weeks ahead."""
        if self.channel.options.get("refresh_token"):
            return None
        try:
            expiry = float(self.renewed.get("token_expires_at") or self.channel.options.get("token_expires_at") or 0)
        except (TypeError, ValueError):
            return None
        left_s = expiry - self.clock.now().timestamp()
        if not expiry or left_s > EXPIRY_WARNING_S:
            return None
        return f"the LinkedIn access token expires in {max(0, int(left_s // 86400))} days: reconnect the account"

    @staticmethod
    def _keep(found: list[RawPost], mark: Mark, posts: list[RawPost]) -> Mark:
        keys = {p.key for p in posts}
        for post in found:
            if mark.is_new(post.created_at.timestamp(), post.external_id) and post.key not in keys:
                posts.append(post)
                keys.add(post.key)
        return mark.advance((p.created_at.timestamp(), p.external_id) for p in found)

    def challenge_response(self, challenge_code: str) -> dict[str, str]:
        return challenge_response(self.option("client_secret"), challenge_code)

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> ReadResult:
        lowered = {k.lower(): v for k, v in headers.items()}
        if not signature_ok(self.option("client_secret"), body, lowered.get("x-li-signature")):
            raise AuthFailed("X-LI-Signature does not match: not from LinkedIn, or the client secret is wrong")
        try:
            payload = json.loads(body)
            elements = payload["notifications"]
        except (ValueError, KeyError, TypeError):
            return ReadResult(
                [],
                None,
                [BadInput("LinkedIn webhook body has no notifications", body[:2000].decode("utf-8", "replace"))],
            )
        posts: list[RawPost] = []
        rejected: list[BadInput] = []
        parse_each(
            elements if isinstance(elements, list) else [],
            lambda element: notification_to_post(element, self.is_brand, self.channel.name) or self._fetch(element),
            posts,
            rejected,
        )
        return ReadResult(posts=posts, cursor=None, rejected=rejected)

    def _fetch(self, element: Any) -> RawPost | None:
        """Webhook notifications name the comment without its text: read it from socialActions."""
        if not isinstance(element, dict) or element.get("action") not in ("COMMENT", "ADMIN_COMMENT"):
            return None
        comment = full_urn(str(element.get("generatedActivity") or ""))
        source = str(element.get("sourcePost") or "")
        comment_id = comment.rstrip(")").rsplit(",", 1)[-1]
        if not source or not comment_id.isdigit():
            raise BadInput("a LinkedIn COMMENT notification needs sourcePost and generatedActivity", str(element))
        found = self.api.json("GET", f"/socialActions/{encode(source)}/comments/{comment_id}", headers=self._auth())
        return comment_to_post(found, self.is_brand, self.channel.name)

    def _publish(self, reply: OutgoingReply) -> Delivery:
        target = full_urn(reply.in_reply_to or "")
        if not target:
            return Delivery(state="failed", error="a LinkedIn reply needs the post or comment it answers")
        body: dict[str, Any] = {"actor": self.option("organization"), "message": {"text": reply.text}}
        if target.startswith("urn:li:comment:("):
            body["object"] = target[len("urn:li:comment:(") :].rsplit(",", 1)[0]
            body["parentComment"] = target
        else:
            body["object"] = target
        response = self.api.call("POST", f"/socialActions/{encode(target)}/comments", json=body, headers=self._auth())
        made = response.json() if response.content else {}
        comment_id = response.headers.get("x-restli-id") or str(made.get("id") or "")
        urn = made.get("$URN") or (f"urn:li:comment:({body['object']},{comment_id})" if comment_id else None)
        return Delivery(state="sent", external_id=urn)

    def close(self) -> None:
        self.api.close()
