"""Reddit through PRAW (its requests session fed Heard's transport by `connectors.bridges`): prawcore does the
OAuth, renews the 1-hour (or 24-hour) access token when it lapses and once on a 401, and paces calls by
Reddit's rate-limit headers. Heard calls `Reddit.request` for the raw listings so the parser sees Reddit's JSON.
Reads each subreddit's comment and submission streams (`/r/<sub>/comments`, `/r/<sub>/new`),
site search for the keywords and hashtags, and the account's username mentions, each resumed from a
high-water mark. Publishes comment replies (`/api/comment`) and private messages (`/api/compose`).

Each listing is paged (`after=`) until it reaches the stored high-water mark, at most `MAX_PAGES` pages.

Options: client_id, client_secret, and either refresh_token (a "web" app connected from Heard's channels page,
`duration=permanent`) or username + password (a "script" app); subreddits (comma-separated), user_agent.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, ClassVar

import httpx

from heard.clock import Clock
from heard.connectors.base import BACKFILL_PAGES, ChannelConfig, Connector, Delivery, OutgoingReply, ReadResult
from heard.connectors.bridges import requests_session
from heard.connectors.extras import require
from heard.connectors.failures import RateLimited, ReconnectNeeded, Unavailable
from heard.connectors.http import Budget, failure_for
from heard.connectors.marks import Mark, dump_cursor, load_cursor
from heard.connectors.reddit.parse import SITE, thing_to_post, things
from heard.connectors.registry import register
from heard.errors import BadInput
from heard.posts import RawPost

OAUTH = "https://oauth.reddit.com"
MAX_PAGES = 10
_MINUTES = re.compile(r"(\d+)\s*minute")
_SECONDS = re.compile(r"(\d+)\s*second")


@register
class RedditConnector(Connector):
    """A Reddit account listening to subreddits, search and mentions."""

    kind = "reddit"
    max_chars = 10_000
    capabilities = frozenset({"read", "publish", "private", "search"})
    required_options: ClassVar[tuple[str, ...]] = ("client_id", "client_secret")
    secret_options = frozenset({"client_secret", "password", "refresh_token"})

    def __init__(
        self, channel: ChannelConfig, *, transport: httpx.BaseTransport | None = None, clock: Clock | None = None
    ) -> None:
        super().__init__(channel, transport=transport, clock=clock)
        self.agent = str(channel.options.get("user_agent") or f"heard:{channel.name}:0.1 (by /u/{channel.handle})")
        self.budget = Budget(self.clock)
        self._reddit: Any = None

    def cooldown_s(self) -> float:
        return self.budget.cooldown_s()

    def _client(self) -> Any:
        """PRAW's Reddit on Heard's transport: a refresh token (web app) or a username and password (script)."""
        if self._reddit is None:
            praw = require("praw", "reddit")
            auth: dict[str, str] = {}
            if self.channel.options.get("refresh_token"):
                auth["refresh_token"] = self.option("refresh_token")
            else:
                auth["username"] = self.option("username")
                auth["password"] = self.option("password")
            self._reddit = praw.Reddit(
                client_id=self.option("client_id"),
                client_secret=self.option("client_secret"),
                user_agent=self.agent,
                check_for_updates=False,
                check_for_async=False,
                requestor_kwargs={"session": requests_session(self.transport, self.budget)},
                **auth,
            )
        return self._reddit

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        """One call through PRAW; Reddit's answers become Heard's failures, a refused token renewal
        ReconnectNeeded. A spent rate-limit window is reported instead of slept through."""
        prawcore = require("prawcore", "reddit")
        wait = self.budget.cooldown_s()
        if wait > 0:
            raise RateLimited("Reddit: the rate-limit window is spent", wait)
        reddit = self._client()
        authorizer = reddit._core._authorizer  # the only place prawcore keeps the (possibly rotated) token
        try:
            return reddit.request(method=method, path=path, **kwargs)
        except prawcore.OAuthException as exc:
            raise ReconnectNeeded(f"Reddit refused the login ({exc.error}): connect the account again") from None
        except prawcore.ResponseException as exc:
            response = exc.response
            where = f"{method} {path}"
            if response.url and "/api/v1/access_token" in response.url and response.status_code in (400, 401):
                raise ReconnectNeeded(f"Reddit refused to renew the token ({response.status_code})") from None
            raise failure_for(response.status_code, response.headers, where, response.text[:300], self.clock) from None
        except prawcore.RequestException as exc:
            raise Unavailable(f"Reddit {method} {path} failed: {type(exc.original_exception).__name__}", 30) from None
        finally:
            refresh = getattr(authorizer, "refresh_token", None)
            if refresh and refresh != self.channel.options.get("refresh_token"):
                self.renewed["refresh_token"] = refresh

    def feeds(self) -> list[tuple[str, str, dict[str, str]]]:
        subs = [s.strip().removeprefix("r/") for s in str(self.channel.options.get("subreddits", "")).split(",")]
        out: list[tuple[str, str, dict[str, str]]] = [(f"c:{s}", f"/r/{s}/comments", {}) for s in subs if s]
        out += [(f"s:{s}", f"/r/{s}/new", {}) for s in subs if s]
        rules = self.channel.rules
        terms = [f'"{k}"' if " " in k else k for k in rules.keywords] + [t.lstrip("#") for t in rules.hashtags]
        if terms:
            out.append(("q", "/search", {"q": " OR ".join(terms), "sort": "new", "type": "link"}))
        if self.channel.options.get("mentions", True):
            out.append(("m", "/message/mentions", {}))
        return out

    def read(self, cursor: str | None) -> ReadResult:
        state = load_cursor(cursor)
        posts: list[RawPost] = []
        rejected: list[BadInput] = []
        for key, path, params in self.feeds():
            state[key] = self._read_feed(path, params, Mark.from_json(state.get(key)), posts, rejected).to_json()
        return ReadResult(posts=posts, cursor=dump_cursor(state), rejected=rejected)

    def _read_feed(
        self, path: str, params: dict[str, str], mark: Mark, posts: list[RawPost], rejected: list[BadInput]
    ) -> Mark:
        """Newest first, page after page (`after=`) until a page reaches the high-water mark: a busy hour or a
        restart after downtime leaves no gap. A first read (no mark) takes one page."""
        query = {**params, "limit": "100"}
        advanced = mark
        for _ in range(MAX_PAGES):
            listing = self._request("GET", path, params=query)
            before = len(posts)
            page_mark = self._keep_new(listing, mark, posts, rejected)
            advanced = advanced.advance((page_mark.time, i) for i in page_mark.ids)
            data = listing.get("data") if isinstance(listing, dict) else None
            after = data.get("after") if isinstance(data, dict) else None
            reached = len(posts) - before < len(list(things(listing)))
            if not after or not mark.time or reached:
                break
            query["after"] = str(after)
        return advanced

    def backfill(self, hashtags: tuple[str, ...], since: datetime) -> ReadResult:
        """Site search for the tags' words, newest first, paging back (after=) until a page reaches past `since`."""
        posts: list[RawPost] = []
        rejected: list[BadInput] = []
        terms = [t.lstrip("#") for t in hashtags if t.strip("#")]
        params = {"q": " OR ".join(terms), "sort": "new", "type": "link", "limit": "100"}
        for _ in range(BACKFILL_PAGES if terms else 0):
            listing = self._request("GET", "/search", params=params)
            before = len(posts)
            self._keep_new(listing, Mark(), posts, rejected)
            taken = posts[before:]
            posts[before:] = [p for p in taken if p.created_at >= since]
            data = listing.get("data") if isinstance(listing, dict) else None
            after = data.get("after") if isinstance(data, dict) else None
            if not after or len(posts) - before < len(taken) or not taken:
                break
            params["after"] = str(after)
        return ReadResult(posts=posts, cursor=None, rejected=rejected)

    def _keep_new(self, listing: Any, mark: Mark, posts: list[RawPost], rejected: list[BadInput]) -> Mark:
        seen: list[tuple[float, str]] = []
        keys = {p.key for p in posts}
        for thing in things(listing):
            try:
                post = thing_to_post(thing, self.is_brand, self.channel.name)
            except BadInput as exc:
                rejected.append(exc)
                continue
            when = post.created_at.timestamp()
            if mark.is_new(when, post.external_id) and post.key not in keys:
                posts.append(post)
                keys.add(post.key)
            seen.append((when, post.external_id))
        return mark.advance(seen)

    def _publish(self, reply: OutgoingReply) -> Delivery:
        if reply.private:
            if not reply.recipient_handle:
                return Delivery(state="failed", error="a Reddit private message needs the recipient's username")
            form = {
                "api_type": "json",
                "subject": str(self.channel.options.get("subject", "Re: your post")),
                "text": reply.text,
                "to": reply.recipient_handle.lstrip("@").removeprefix("u/"),
            }
            path = "/api/compose/"
        else:
            form = {"api_type": "json", "thing_id": reply.in_reply_to or "", "text": reply.text}
            path = "/api/comment/"
        answer = self._request("POST", path, data=form)
        body = answer.get("json") if isinstance(answer, dict) else None
        body = body if isinstance(body, dict) else {}
        errors = body.get("errors") or []
        if errors:
            return self._refused(errors)
        made = (body.get("data") or {}).get("things") or [{}]
        data = made[0].get("data", {}) if isinstance(made[0], dict) else {}
        link = data.get("permalink")
        return Delivery(
            state="sent",
            external_id=str(data.get("name") or f"{reply.idempotency_key}-sent"),
            permalink=f"{SITE}{link}" if isinstance(link, str) and link.startswith("/") else None,
        )

    def _refused(self, errors: list[Any]) -> Delivery:
        """Reddit answers 200 with `json.errors`; RATELIMIT says in words how long to wait."""
        text = "; ".join(" ".join(str(part) for part in e) if isinstance(e, list) else str(e) for e in errors)
        if "RATELIMIT" in text:
            wait = _wait_from_words(text)
            raise RateLimited(f"Reddit: {text[:300]}", wait)
        return Delivery(state="failed", error=f"Reddit refused the reply: {text[:300]}")

    def close(self) -> None:
        if self._reddit is not None:
            self._reddit._core.close()


def _wait_from_words(text: str) -> float:
    minutes = _MINUTES.search(text)
    seconds = _SECONDS.search(text)
    if minutes:
        return float(minutes.group(1)) * 60
    return float(seconds.group(1)) if seconds else 60.0
