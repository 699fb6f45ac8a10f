"""YouTube Data API v3 over httpx (google-api-python-client runs on httplib2 and cannot take Heard's injected
transport). Reads `commentThreads.list?allThreadsRelatedToChannelId=...&order=time` (newest first, paged until
the high-water mark), with each thread's replies; publishes replies with `comments.insert`. YouTube has no
private messages. Quota: 10,000 units a day by default; a list costs 1, an insert 50. When the quota is
spent YouTube answers 403 quotaExceeded, which Heard treats as a rate limit until midnight Pacific time.

Options: channel_id, api_key (reading public comments) or access_token (OAuth with youtube.force-ssl, needed
to publish and to read held-for-review comments).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from heard.clock import Clock
from heard.connectors.base import ChannelConfig, Connector, Delivery, OutgoingReply, ReadResult
from heard.connectors.failures import RateLimited
from heard.connectors.http import Api
from heard.connectors.marks import Mark, dump_cursor, load_cursor
from heard.connectors.registry import register
from heard.connectors.youtube.parse import comment_to_post, thread_comments
from heard.errors import BadInput
from heard.posts import RawPost

BASE_URL = "https://www.googleapis.com/youtube/v3"
MAX_PAGES = 10
_QUOTA_REASONS = {"quotaExceeded", "dailyLimitExceeded", "rateLimitExceeded", "userRateLimitExceeded"}


def until_quota_reset(now: datetime) -> float:
    """Seconds until midnight Pacific time, when YouTube's daily quota starts again."""
    try:
        pacific = now.astimezone(ZoneInfo("America/Los_Angeles"))
    except ZoneInfoNotFoundError:  # no time zone database: Pacific standard time is near enough
        pacific = now.astimezone(timezone(timedelta(hours=-8)))
    midnight = (pacific + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(60.0, (midnight - pacific).total_seconds())


@register
class YouTubeConnector(Connector):
    """The brand's YouTube channel: comments on its videos, replies in the thread."""

    kind = "youtube"
    max_chars = 10_000
    capabilities = frozenset({"read", "publish"})
    required_options: ClassVar[tuple[str, ...]] = ("channel_id",)
    secret_options = frozenset({"api_key", "access_token"})

    def __init__(
        self, channel: ChannelConfig, *, transport: httpx.BaseTransport | None = None, clock: Clock | None = None
    ) -> None:
        super().__init__(channel, transport=transport, clock=clock)
        self.api = Api(BASE_URL, transport=transport, clock=self.clock, classify=self._quota)

    def _quota(self, response: httpx.Response) -> Exception | None:
        try:
            errors = response.json()["error"]["errors"]
            reasons = {str(e.get("reason")) for e in errors if isinstance(e, dict)}
        except (ValueError, KeyError, TypeError):
            return None
        if reasons & _QUOTA_REASONS:
            wait = until_quota_reset(self.clock.now()) if "quotaExceeded" in reasons else 60.0
            return RateLimited(f"YouTube quota: {', '.join(sorted(reasons))}", wait)
        return None

    def _auth(self) -> tuple[dict[str, str], dict[str, str]]:
        """(headers, params): OAuth when there is an access token, else the API key."""
        token = self.channel.options.get("access_token")
        if token:
            return {"Authorization": f"Bearer {token}"}, {}
        return {}, {"key": self.option("api_key")}

    def is_brand(self, author_handle: str) -> bool:
        return author_handle == self.channel.options.get("channel_id") or super().is_brand(author_handle)

    def read(self, cursor: str | None) -> ReadResult:
        state = load_cursor(cursor)
        mark = Mark.from_json(state.get("t"))
        headers, auth = self._auth()
        params: dict[str, str] = {
            "part": "snippet,replies",
            "allThreadsRelatedToChannelId": self.option("channel_id"),
            "maxResults": "100",
            "order": "time",
            "textFormat": "plainText",
            **auth,
        }
        if self.channel.rules.keywords:
            params["searchTerms"] = " ".join(self.channel.rules.keywords)
        posts: list[RawPost] = []
        rejected: list[BadInput] = []
        seen: list[tuple[float, str]] = []
        threads: list[Any] = []
        for _ in range(MAX_PAGES):
            page = self.api.json("GET", "/commentThreads", params=params, headers=headers)
            threads += page.get("items") or []
            older = self._take(page.get("items") or [], mark, posts, rejected, seen)
            token = page.get("nextPageToken")
            if older or not token or not mark.time:
                break  # reached what was read before (or first run: newest page only)
            params["pageToken"] = str(token)
        for thread in self._cut_short(threads):
            self._more_replies(str(thread["id"]), mark, posts, rejected, seen)
        state["t"] = mark.advance(seen).to_json()
        return ReadResult(posts=posts, cursor=dump_cursor(state), rejected=rejected)

    def _cut_short(self, threads: list[Any]) -> list[dict[str, Any]]:
        """The newest `reply_scan` threads (5) with more replies than the thread listing carried."""
        short = []
        for thread in threads:
            if not isinstance(thread, dict) or not thread.get("id") or not isinstance(thread.get("snippet"), dict):
                continue
            replies = thread.get("replies")
            carried = len(replies.get("comments") or []) if isinstance(replies, dict) else 0
            total = thread["snippet"].get("totalReplyCount")
            if isinstance(total, int) and total > carried:
                short.append(thread)
        return short[: int(self.channel.options.get("reply_scan", 5))]

    def _more_replies(
        self, thread_id: str, mark: Mark, posts: list[RawPost], rejected: list[BadInput], seen: list[tuple[float, str]]
    ) -> None:
        """All replies of one thread (`comments.list?parentId=`, 1 quota unit a page), kept when new."""
        headers, auth = self._auth()
        params = {"part": "snippet", "parentId": thread_id, "maxResults": "100", "textFormat": "plainText", **auth}
        keys = {p.key for p in posts}
        for _ in range(MAX_PAGES):
            page = self.api.json("GET", "/comments", params=params, headers=headers)
            for comment in page.get("items") or []:
                try:
                    post = comment_to_post(comment, self.is_brand, channel=self.channel.name)
                except BadInput as exc:
                    rejected.append(exc)
                    continue
                when = post.created_at.timestamp()
                seen.append((when, post.external_id))
                if mark.is_new(when, post.external_id) and post.key not in keys:
                    posts.append(post)
                    keys.add(post.key)
            token = page.get("nextPageToken")
            if not token:
                return
            params["pageToken"] = str(token)

    def _take(
        self,
        threads: list[Any],
        mark: Mark,
        posts: list[RawPost],
        rejected: list[BadInput],
        seen: list[tuple[float, str]],
    ) -> bool:
        """Keep the new comments; True when the page reached comments older than the mark."""
        older = False
        for thread in threads:
            try:
                comments = [
                    comment_to_post(c, self.is_brand, channel=self.channel.name) for c in thread_comments(thread)
                ]
            except BadInput as exc:
                rejected.append(exc)
                continue
            for post in comments:
                when = post.created_at.timestamp()
                seen.append((when, post.external_id))
                if mark.is_new(when, post.external_id):
                    posts.append(post)
                elif post.in_reply_to is None:
                    older = True
        return older

    def _publish(self, reply: OutgoingReply) -> Delivery:
        if not reply.in_reply_to:
            return Delivery(state="failed", error="a YouTube reply needs the comment it answers")
        headers, _ = self._auth()
        if not headers:
            return Delivery(state="failed", error="publishing on YouTube needs an OAuth access_token")
        parent = reply.in_reply_to.split(".", 1)[0]  # replies thread under the top-level comment
        body = {"snippet": {"parentId": parent, "textOriginal": reply.text}}
        made = self.api.json("POST", "/comments", params={"part": "snippet"}, json=body, headers=headers)
        comment_id = str(made.get("id") or "") or None
        video = (made.get("snippet") or {}).get("videoId")
        link = f"https://www.youtube.com/watch?v={video}&lc={comment_id}" if video and comment_id else None
        return Delivery(state="sent", external_id=comment_id, permalink=link)

    def close(self) -> None:
        self.api.close()
