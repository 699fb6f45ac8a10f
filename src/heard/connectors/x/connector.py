"""X through API v2 over httpx (tweepy's requests session cannot take Heard's injected transport).

Reads: recent search built from the listening rules, and the brand's mentions (`user_id`), each resumed with
`since_id` and paged with `next_token`. Publishes: a reply (`POST /2/tweets` with `reply.in_reply_to_tweet_id`)
or a direct message (`POST /2/dm_conversations/with/:id/messages`). Webhooks: Account Activity deliveries,
signature-checked; `crc_response` answers X's challenge.

Options: bearer_token (app, for reading), user_token (OAuth 2.0 user context with tweet.write and dm.write,
for publishing), user_id (the brand's numeric id, for mentions), consumer_secret (webhooks only).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, ClassVar

import httpx

from heard.clock import Clock
from heard.connectors.base import (
    BACKFILL_PAGES,
    ChannelConfig,
    Connector,
    Delivery,
    OutgoingReply,
    ReadResult,
    parse_each,
)
from heard.connectors.failures import AuthFailed
from heard.connectors.http import Api
from heard.connectors.marks import dump_cursor, load_cursor
from heard.connectors.registry import register
from heard.connectors.x.parse import dm_to_post, v1_to_post, v2_to_post, v2_tweets
from heard.connectors.x.webhooks import crc_response, signature_ok
from heard.errors import BadInput
from heard.posts import RawPost

BASE_URL = "https://api.x.com"
MAX_PAGES = 10
MAX_QUERY = 512
FIELDS = {
    "tweet.fields": "created_at,lang,conversation_id,referenced_tweets,author_id,entities,note_tweet",
    "expansions": "author_id",
    "user.fields": "username,name,public_metrics",
    "max_results": "100",
}


def search_query(handles: tuple[str, ...], keywords: tuple[str, ...], hashtags: tuple[str, ...]) -> str:
    """One recent-search query for the rules; retweets are left out (they repeat someone else's words)."""
    terms = [f"@{h.lstrip('@')}" for h in handles]
    terms += [f'"{k}"' if " " in k else k for k in keywords]
    terms += [f"#{t.lstrip('#')}" for t in hashtags]
    query = f"({' OR '.join(terms)}) -is:retweet" if terms else ""
    return query[:MAX_QUERY]


@register
class XConnector(Connector):
    """An X account: mentions, rule-based recent search, replies and DMs."""

    kind = "x"
    max_chars = 280
    capabilities = frozenset({"read", "publish", "private", "webhook", "search"})
    required_options: ClassVar[tuple[str, ...]] = ("bearer_token",)
    secret_options = frozenset({"bearer_token", "user_token", "consumer_secret"})

    def __init__(
        self, channel: ChannelConfig, *, transport: httpx.BaseTransport | None = None, clock: Clock | None = None
    ) -> None:
        super().__init__(channel, transport=transport, clock=clock)
        self.api = Api(BASE_URL, transport=transport, clock=self.clock)

    def _auth(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.option(name)}"}

    def read(self, cursor: str | None) -> ReadResult:
        state = load_cursor(cursor)
        posts: list[RawPost] = []
        rejected: list[BadInput] = []
        rules = self.channel.rules
        query = search_query(rules.handles, rules.keywords, rules.hashtags)
        if query:
            state["s"] = self._poll("/2/tweets/search/recent", {"query": query}, state.get("s"), posts, rejected)
        user_id = self.channel.options.get("user_id")
        if user_id:
            state["m"] = self._poll(f"/2/users/{user_id}/mentions", {}, state.get("m"), posts, rejected)
        return ReadResult(posts=posts, cursor=dump_cursor(state), rejected=rejected)

    def backfill(self, hashtags: tuple[str, ...], since: datetime) -> ReadResult:
        posts: list[RawPost] = []
        rejected: list[BadInput] = []
        query: dict[str, str] = {
            **FIELDS,
            "query": search_query((), (), hashtags),
            # Recent search reaches back 7 days; asking for more is refused, so never ask.
            "start_time": max(since, self.clock.now() - timedelta(days=7, minutes=-1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "max_results": "100",
        }
        for _ in range(BACKFILL_PAGES):
            page = self.api.json("GET", "/2/tweets/search/recent", params=query, headers=self._auth("bearer_token"))
            self._take(page, posts, rejected)
            meta = page.get("meta") if isinstance(page, dict) else None
            token = meta.get("next_token") if isinstance(meta, dict) else None
            if not token:
                break
            query["next_token"] = str(token)
        return ReadResult(posts=posts, cursor=None, rejected=rejected)

    def _poll(
        self, path: str, params: dict[str, str], since_id: str | None, posts: list[RawPost], rejected: list[BadInput]
    ) -> str | None:
        """All pages newer than since_id; the first page's newest_id is where the next poll starts.
        Without since_id (first run) only the newest page is read."""
        query: dict[str, str] = {**FIELDS, **params}
        if since_id:
            query["since_id"] = since_id
        newest = since_id
        for page_number in range(MAX_PAGES):
            page = self.api.json("GET", path, params=query, headers=self._auth("bearer_token"))
            meta = page.get("meta") if isinstance(page, dict) else None
            meta = meta if isinstance(meta, dict) else {}
            if page_number == 0 and meta.get("newest_id"):
                newest = str(meta["newest_id"])
            self._take(page, posts, rejected)
            token = meta.get("next_token")
            if not token or not since_id:
                break
            query["pagination_token"] = str(token)
        return newest

    def _take(self, page: Any, posts: list[RawPost], rejected: list[BadInput]) -> None:
        try:
            tweets = list(v2_tweets(page))
        except BadInput as exc:
            rejected.append(exc)
            return
        parse_each(tweets, lambda pair: v2_to_post(pair[0], pair[1], self.is_brand, self.channel.name), posts, rejected)

    def _publish(self, reply: OutgoingReply) -> Delivery:
        if reply.private:
            if not reply.recipient_id:
                return Delivery(state="failed", error="an X direct message needs the recipient's user id")
            path = f"/2/dm_conversations/with/{reply.recipient_id}/messages"
            body: dict[str, Any] = {"text": reply.text}
        else:
            path, body = "/2/tweets", {"text": reply.text}
            if reply.in_reply_to:
                body["reply"] = {"in_reply_to_tweet_id": reply.in_reply_to}
        answer = self.api.json("POST", path, json=body, headers=self._auth("user_token"))
        data = answer.get("data") if isinstance(answer, dict) else None
        data = data if isinstance(data, dict) else {}
        external_id = str(data.get("id") or data.get("dm_event_id") or "") or None
        handle = self.channel.handle or "i"
        permalink = f"https://x.com/{handle}/status/{external_id}" if external_id and not reply.private else None
        return Delivery(state="sent", external_id=external_id, permalink=permalink)

    def crc_response(self, crc_token: str) -> dict[str, str]:
        return crc_response(self.option("consumer_secret"), crc_token)

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> ReadResult:
        lowered = {k.lower(): v for k, v in headers.items()}
        if not signature_ok(self.option("consumer_secret"), body, lowered.get("x-twitter-webhooks-signature")):
            raise AuthFailed("X webhook signature does not match: not from X, or the consumer secret is wrong")
        try:
            payload = json.loads(body)
        except ValueError:
            return ReadResult(
                [], None, [BadInput("X webhook body is not JSON", body[:2000].decode("utf-8", "replace"))]
            )
        posts: list[RawPost] = []
        rejected: list[BadInput] = []
        events = payload.get("tweet_create_events") if isinstance(payload, dict) else None
        parse_each(
            events if isinstance(events, list) else [],
            lambda tweet: v1_to_post(tweet, self.is_brand, self.channel.name),
            posts,
            rejected,
        )
        if isinstance(payload, dict) and "data" in payload:  # filtered stream delivered to a webhook
            self._take(payload, posts, rejected)
        listed = payload.get("users") if isinstance(payload, dict) else None
        users: dict[str, Any] = listed if isinstance(listed, dict) else {}
        messages = payload.get("direct_message_events") if isinstance(payload, dict) else None
        parse_each(
            messages if isinstance(messages, list) else [],
            lambda event: dm_to_post(event, users, self.is_brand, self.channel.name),
            posts,
            rejected,
        )
        return ReadResult(posts=posts, cursor=None, rejected=rejected)

    def close(self) -> None:
        self.api.close()
