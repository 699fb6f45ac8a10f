"""Reddit through its OAuth REST API with httpx (asyncpraw runs on aiohttp and cannot take Heard's injected
transport). Reads each subreddit's comment and submission streams (`/r/<sub>/comments`, `/r/<sub>/new`),
site search for the keywords and hashtags, and the account's username mentions, each resumed from a
high-water mark. Publishes comment replies (`/api/comment`) and private messages (`/api/compose`).

Options: client_id, client_secret, username, password (a "script" app), subreddits (comma-separated),
user_agent.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, ClassVar

import httpx

from heard.clock import Clock
from heard.connectors.base import BACKFILL_PAGES, ChannelConfig, Connector, Delivery, OutgoingReply, ReadResult
from heard.connectors.failures import ApiRejected, RateLimited
from heard.connectors.http import Api
from heard.connectors.marks import Mark, dump_cursor, load_cursor
from heard.connectors.reddit.parse import SITE, thing_to_post, things
from heard.connectors.registry import register
from heard.errors import BadInput
from heard.posts import RawPost

OAUTH = "https://oauth.reddit.com"
_MINUTES = re.compile(r"(\d+)\s*minute")
_SECONDS = re.compile(r"(\d+)\s*second")


@register
class RedditConnector(Connector):
    """A Reddit account listening to subreddits, search and mentions."""

    kind = "reddit"
    max_chars = 10_000
    capabilities = frozenset({"read", "publish", "private", "search"})
    required_options: ClassVar[tuple[str, ...]] = ("client_id", "client_secret", "username", "password")
    secret_options = frozenset({"client_secret", "password"})

    def __init__(
        self, channel: ChannelConfig, *, transport: httpx.BaseTransport | None = None, clock: Clock | None = None
    ) -> None:
        super().__init__(channel, transport=transport, clock=clock)
        agent = str(channel.options.get("user_agent") or f"heard:{channel.name}:0.1 (by /u/{channel.handle})")
        self.api = Api(OAUTH, headers={"User-Agent": agent}, transport=transport, clock=self.clock)
        self._token: str | None = None

    def _auth(self) -> dict[str, str]:
        if self._token is None:
            answer = self.api.json(
                "POST",
                f"{SITE}/api/v1/access_token",
                data={
                    "grant_type": "password",
                    "password": self.option("password"),
                    "username": self.option("username"),
                },
                auth=(self.option("client_id"), self.option("client_secret")),
            )
            if not answer.get("access_token"):
                raise ApiRejected(f"Reddit refused the login: {answer.get('error', 'no access token')}")
            self._token = str(answer["access_token"])
        return {"Authorization": f"bearer {self._token}"}

    def feeds(self) -> list[tuple[str, str, dict[str, str]]]:
        subs = [s.strip().removeprefix("r/") for s in str(self.channel.options.get("subreddits", "")).split(",")]
        out: list[tuple[str, str, dict[str, str]]] = [(f"c:{s}", f"/r/{s}/comments", {}) for s in subs if s]
        out += [(f"s:{s}", f"/r/{s}/new", {}) for s in subs if s]
        rules = self.channel.rules
        terms = [f'"{k}"' if " " in k else k for k in rules.keywords] + [t.lstrip("#") for t in rules.hashtags]
        if terms:
            out.append(("q", "/search", {"q": " OR ".join(terms), "sort": "new", "type": "link,comment"}))
        if self.channel.options.get("mentions", True):
            out.append(("m", "/message/mentions", {}))
        return out

    def read(self, cursor: str | None) -> ReadResult:
        state = load_cursor(cursor)
        posts: list[RawPost] = []
        rejected: list[BadInput] = []
        for key, path, params in self.feeds():
            listing = self.api.json(
                "GET", path, params={**params, "limit": "100", "raw_json": "1"}, headers=self._auth()
            )
            state[key] = self._keep_new(listing, Mark.from_json(state.get(key)), posts, rejected).to_json()
        return ReadResult(posts=posts, cursor=dump_cursor(state), rejected=rejected)

    def backfill(self, hashtags: tuple[str, ...], since: datetime) -> ReadResult:
        """Site search for the tags' words, newest first, paging back (after=) until a page reaches past `since`."""
        posts: list[RawPost] = []
        rejected: list[BadInput] = []
        terms = [t.lstrip("#") for t in hashtags if t.strip("#")]
        params = {"q": " OR ".join(terms), "sort": "new", "type": "link,comment", "limit": "100", "raw_json": "1"}
        for _ in range(BACKFILL_PAGES if terms else 0):
            listing = self.api.json("GET", "/search", params=params, headers=self._auth())
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
        answer = self.api.json("POST", path, params={"raw_json": "1"}, data=form, headers=self._auth())
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
        self.api.close()


def _wait_from_words(text: str) -> float:
    minutes = _MINUTES.search(text)
    seconds = _SECONDS.search(text)
    if minutes:
        return float(minutes.group(1)) * 60
    return float(seconds.group(1)) if seconds else 60.0
