"""X through API v2 with tweepy's `Client` (requests session fed Heard's transport by `connectors.bridges`).

Reads: recent search built from the listening rules (split into as many queries as X's 512-character limit
needs, never cutting a term), and the brand's mentions (`user_id`), each resumed with `since_id` and paged with
`next_token` until the stored cursor is reached. Publishes: a reply (`create_tweet(in_reply_to_tweet_id=...)`)
or a direct message (`create_direct_message`). Webhooks: Account Activity deliveries, signature-checked;
`crc_response` answers X's challenge.

Credentials: bearer_token (app, for reading); user_token (OAuth 2.0 user context, scopes tweet.read
tweet.write users.read dm.read dm.write offline.access) lasts 2 hours: with refresh_token and client_id
(+ client_secret for a confidential app) it is renewed through tweepy's `OAuth2UserHandler` 5 minutes before
`user_token_expires_at` and once on a 401; X rotates the refresh token at each renewal.
Options also: user_id (the brand's numeric id, for mentions), consumer_secret (webhooks only).
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
    PublishRefused,
    ReadResult,
    parse_each,
)
from heard.connectors.bridges import requests_session
from heard.connectors.extras import require
from heard.connectors.failures import AuthFailed, ReconnectNeeded, Unavailable
from heard.connectors.http import OUTAGE_WAIT_S, Budget, failure_for
from heard.connectors.marks import dump_cursor, load_cursor
from heard.connectors.registry import register
from heard.connectors.renewal import expires_at, renewal_due
from heard.connectors.x.parse import dm_event_to_post, dm_to_post, v1_to_post, v2_to_post, v2_tweets
from heard.connectors.x.webhooks import crc_response, signature_ok
from heard.errors import BadInput
from heard.posts import RawPost

TOKEN_URL = "https://api.x.com/2/oauth2/token"  # noqa: S105 (an endpoint, not a secret)
MAX_PAGES = 10
MAX_QUERY = 512
SCOPES = ("tweet.read", "tweet.write", "users.read", "dm.read", "dm.write", "offline.access")
FIELDS: dict[str, Any] = {
    "tweet_fields": [
        "created_at",
        "lang",
        "conversation_id",
        "referenced_tweets",
        "author_id",
        "entities",
        "note_tweet",
    ],
    "expansions": ["author_id"],
    "user_fields": ["username", "name", "public_metrics"],
    "max_results": 100,
}
_TAIL = " -is:retweet"


def search_queries(handles: tuple[str, ...], keywords: tuple[str, ...], hashtags: tuple[str, ...]) -> list[str]:
    """Recent-search queries for the rules, each within X's 512 characters: terms are OR-ed into as few queries
    as fit, a term is never cut (a cut term makes an invalid query, or a different one); retweets are left
    out (they repeat someone else's words). A single term too long for any query is dropped."""
    terms = [f"@{h.lstrip('@')}" for h in handles]
    terms += [f'"{k}"' if " " in k else k for k in keywords]
    terms += [f"#{t.lstrip('#')}" for t in hashtags]
    queries: list[str] = []
    group: list[str] = []
    for term in terms:
        if len(_query([*group, term])) <= MAX_QUERY:
            group.append(term)
            continue
        if group:
            queries.append(_query(group))
        group = [term] if len(_query([term])) <= MAX_QUERY else []
    if group:
        queries.append(_query(group))
    return queries


def _query(terms: list[str]) -> str:
    return f"({' OR '.join(terms)}){_TAIL}"


def _id_num(value: Any) -> int:
    text = str(value or "")
    return int(text) if text.isdigit() else 0


def search_query(handles: tuple[str, ...], keywords: tuple[str, ...], hashtags: tuple[str, ...]) -> str:
    """The first query of `search_queries` (kept for the backfill and older callers)."""
    queries = search_queries(handles, keywords, hashtags)
    return queries[0] if queries else ""


@register
class XConnector(Connector):
    """An X account: mentions, rule-based recent search, replies and DMs."""

    kind = "x"
    max_chars = 280
    capabilities = frozenset({"read", "publish", "private", "webhook", "search"})
    #: an app bearer token, or (a channel connected from the web page) the user token, reads
    required_options: ClassVar[tuple[str, ...]] = ()
    secret_options = frozenset({"bearer_token", "user_token", "refresh_token", "client_secret", "consumer_secret"})

    def __init__(
        self, channel: ChannelConfig, *, transport: httpx.BaseTransport | None = None, clock: Clock | None = None
    ) -> None:
        super().__init__(channel, transport=transport, clock=clock)
        self._clients: dict[str, Any] = {}
        self.budget = Budget(self.clock)

    def _client(self, name: str) -> Any:
        """tweepy's v2 Client for the bearer token or the user token, on Heard's transport."""
        token = self.option(name)
        client = self._clients.get(name)
        if client is None or client.bearer_token != token:
            tweepy = require("tweepy", "x")
            client = tweepy.Client(bearer_token=token, return_type=dict, wait_on_rate_limit=False)
            client.session = requests_session(self.transport, self.budget)
            self._clients[name] = client
        return client

    def _call(self, name: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """One tweepy call with the bearer or user token; X's answers become Heard's failures, and a user token
        is renewed before it lapses and once on a 401. Without an app bearer token, reads use the user token."""
        if name == "bearer_token" and not self.channel.options.get("bearer_token"):
            name = "user_token"
        if name == "user_token" and renewal_due(self.clock, self._expiry()):
            self.renew()
        try:
            return self._invoke(name, method, *args, **kwargs)
        except AuthFailed:
            if name != "user_token" or not self.channel.options.get("refresh_token"):
                raise
            self.renew()
            return self._invoke(name, method, *args, **kwargs)

    def _invoke(self, name: str, method: str, *args: Any, **kwargs: Any) -> Any:
        tweepy = require("tweepy", "x")
        requests = require("requests", "x")
        try:
            return getattr(self._client(name), method)(*args, user_auth=False, **kwargs)
        except tweepy.HTTPException as exc:
            response = exc.response
            where = f"{response.request.method} {httpx.URL(response.request.url).path}"
            raise failure_for(response.status_code, response.headers, where, response.text[:300], self.clock) from None
        except requests.RequestException as exc:
            raise Unavailable(f"X {method} failed: {type(exc).__name__}", OUTAGE_WAIT_S) from None

    def _expiry(self) -> Any:
        return self.renewed.get("user_token_expires_at", self.channel.options.get("user_token_expires_at"))

    def renew(self) -> None:
        """Trade the refresh token for a new user token (and X's rotated refresh token) through tweepy's
        OAuth2UserHandler; a refusal means the account must be connected again."""
        if self._adopt_stored():
            return
        tweepy = require("tweepy", "x")
        oauthlib = require("oauthlib.oauth2", "x")
        requests = require("requests", "x")
        refresh = self.option("refresh_token")
        handler = tweepy.OAuth2UserHandler(
            client_id=self.option("client_id"),
            redirect_uri=str(self.channel.options.get("redirect_uri") or "https://localhost/connect/x/callback"),
            scope=list(SCOPES),
            client_secret=self.channel.options.get("client_secret") or None,
        )
        handler.mount("https://", requests_session(self.transport).get_adapter("https://"))
        try:
            token = handler.refresh_token(
                TOKEN_URL, refresh_token=refresh, auth=handler.auth, client_id=handler.client_id
            )
        except (oauthlib.OAuth2Error, ValueError) as exc:
            raise ReconnectNeeded(
                f"X refused to renew the user token ({type(exc).__name__}): connect the account again"
            ) from None
        except requests.RequestException as exc:
            raise Unavailable(f"X token renewal failed: {type(exc).__name__}", OUTAGE_WAIT_S) from None
        self.renewed.update(
            {
                "user_token": token["access_token"],
                "refresh_token": token.get("refresh_token") or refresh,
                "user_token_expires_at": expires_at(self.clock, token.get("expires_in")),
            }
        )

    def _adopt_stored(self) -> bool:
        """True when the stored user token is newer than this connector's and not yet due (the listen loop or
        the publisher renewed it): use it. X rotates refresh tokens, so renewing with ours would fail."""
        if self.stored_credentials is None:
            return False
        stored = self.stored_credentials()
        try:
            theirs = float(stored.get("user_token_expires_at") or 0)
            ours = float(self._expiry() or 0)
        except (TypeError, ValueError):
            return False
        if theirs <= ours or not stored.get("user_token") or renewal_due(self.clock, theirs):
            return False
        self.renewed.update(
            {
                "user_token": stored["user_token"],
                "refresh_token": stored.get("refresh_token") or self.option("refresh_token"),
                "user_token_expires_at": theirs,
            }
        )
        return True

    def read(self, cursor: str | None) -> ReadResult:
        state = load_cursor(cursor)
        posts: list[RawPost] = []
        rejected: list[BadInput] = []
        rules = self.channel.rules
        for number, query in enumerate(search_queries(rules.handles, rules.keywords, rules.hashtags)):
            key = "s" if number == 0 else f"s{number}"
            state[key] = self._poll("search_recent_tweets", (query,), state.get(key), posts, rejected)
        user_id = self.channel.options.get("user_id")
        if user_id:
            state["m"] = self._poll("get_users_mentions", (user_id,), state.get("m"), posts, rejected)
        if self._reads_dms():
            state["d"] = self._read_dms(state.get("d"), posts, rejected)
        return ReadResult(posts=posts, cursor=dump_cursor(state), rejected=rejected)

    def _reads_dms(self) -> bool:
        """Direct messages are read with the user token (scope dm.read), unless the channel says not to (each DM
        event read is billed, once per UTC day)."""
        wanted = str(self.channel.options.get("read_dms", "true")).lower() not in {"0", "false", "no"}
        return wanted and bool(self.channel.options.get("user_token"))

    def _read_dms(self, newest: str | None, posts: list[RawPost], rejected: list[BadInput]) -> str | None:
        """`GET /2/dm_events` newest first, paged until the newest event already read (it takes no since_id);
        a first read takes one page."""
        params: dict[str, Any] = {
            "dm_event_fields": [
                "id",
                "text",
                "event_type",
                "created_at",
                "sender_id",
                "dm_conversation_id",
                "entities",
            ],
            "event_types": "MessageCreate",
            "expansions": ["sender_id"],
            "user_fields": ["username", "name", "public_metrics"],
            "max_results": 100,
        }
        top = newest
        for _ in range(MAX_PAGES):
            page = self._call("user_token", "get_direct_message_events", **params)
            events = page.get("data") if isinstance(page, dict) else None
            events = [e for e in events if isinstance(e, dict)] if isinstance(events, list) else []
            listed = (page.get("includes") or {}).get("users") if isinstance(page, dict) else None
            users = {str(u.get("id")): u for u in listed or [] if isinstance(u, dict)}
            fresh = [e for e in events if _id_num(e.get("id")) > _id_num(newest)]
            parse_each(
                fresh,
                lambda e, users=users: dm_event_to_post(e, users, self.is_brand, self.channel.name),  # type: ignore[misc]
                posts,
                rejected,
            )
            for event in fresh:
                if _id_num(event.get("id")) > _id_num(top):
                    top = str(event["id"])
            meta = page.get("meta") if isinstance(page, dict) else None
            token = meta.get("next_token") if isinstance(meta, dict) else None
            if not newest or len(fresh) < len(events) or not token:
                break
            params["pagination_token"] = str(token)
        return top

    def backfill(self, hashtags: tuple[str, ...], since: datetime) -> ReadResult:
        posts: list[RawPost] = []
        rejected: list[BadInput] = []
        # Recent search reaches back 7 days; asking for more is refused, so never ask.
        start = max(since, self.clock.now() - timedelta(days=7, minutes=-1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        for query in search_queries((), (), hashtags):
            params: dict[str, Any] = {**FIELDS, "start_time": start}
            for _ in range(BACKFILL_PAGES):
                page = self._call("bearer_token", "search_recent_tweets", query, **params)
                self._take(page, posts, rejected)
                meta = page.get("meta") if isinstance(page, dict) else None
                token = meta.get("next_token") if isinstance(meta, dict) else None
                if not token:
                    break
                params["next_token"] = str(token)
        return ReadResult(posts=posts, cursor=None, rejected=rejected)

    def _poll(
        self, method: str, args: tuple[str, ...], since_id: str | None, posts: list[RawPost], rejected: list[BadInput]
    ) -> str | None:
        """All pages newer than since_id; the first page's newest_id is where the next poll starts.
        Without since_id (first run) only the newest page is read."""
        params: dict[str, Any] = dict(FIELDS)
        if since_id:
            params["since_id"] = since_id
        newest = since_id
        token_name = "next_token" if method == "search_recent_tweets" else "pagination_token"
        for page_number in range(MAX_PAGES):
            page = self._call("bearer_token", method, *args, **params)
            meta = page.get("meta") if isinstance(page, dict) else None
            meta = meta if isinstance(meta, dict) else {}
            if page_number == 0 and meta.get("newest_id"):
                newest = str(meta["newest_id"])
            self._take(page, posts, rejected)
            token = meta.get("next_token")
            if not token or not since_id:
                break
            params[token_name] = str(token)
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
            answer = self._call(
                "user_token", "create_direct_message", participant_id=reply.recipient_id, text=reply.text
            )
        else:
            try:
                answer = self._call(
                    "user_token", "create_tweet", text=reply.text, in_reply_to_tweet_id=reply.in_reply_to or None
                )
            except AuthFailed as exc:
                if reply.in_reply_to and "403" in str(exc) and ("mentioned" in str(exc) or "engaged" in str(exc)):
                    # since 2026-02-24 X takes API replies only to posts that mention or quote the brand
                    # (Enterprise apps excepted): not a credentials problem, so the channel stays healthy
                    raise PublishRefused(
                        "X accepts a reply from Heard only to a post that mentions or quotes the brand: answer "
                        "this one by direct message, or from X itself"
                    ) from None
                raise
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

    def cooldown_s(self) -> float:
        return self.budget.cooldown_s()

    def close(self) -> None:
        for client in self._clients.values():
            client.session.close()
