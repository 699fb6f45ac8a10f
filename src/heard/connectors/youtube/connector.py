"""YouTube Data API v3 through google-api-python-client (its `http=` given Heard's transport by
`connectors.bridges`) with google-auth credentials. Reads
`commentThreads.list?allThreadsRelatedToChannelId=...&order=time` (newest first, paged until the
high-water mark), with each thread's replies; publishes replies with `comments.insert`. YouTube has no private
messages. Quota: 10,000 units a day by default; a list costs 1, an insert 50. When the quota is
spent YouTube answers 403 quotaExceeded, which Heard treats as a rate limit until midnight Pacific time.

Options: channel_id, api_key (reading public comments) or access_token (OAuth with youtube.force-ssl, needed
to publish and to read held-for-review comments). The access token lasts an hour and reads use it too: with
refresh_token, client_id and client_secret (a channel connected from Heard's channels page) google-auth renews
it 5 minutes before `token_expires_at` and once on a 401; a refused renewal (invalid_grant: the user revoked
access, or a "testing" app's 7-day refresh token lapsed) is ReconnectNeeded.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from heard.clock import Clock
from heard.connectors.base import ChannelConfig, Connector, Delivery, OutgoingReply, ReadResult
from heard.connectors.bridges import Httplib2Bridge
from heard.connectors.extras import require
from heard.connectors.failures import RateLimited, ReconnectNeeded, Unavailable
from heard.connectors.http import OUTAGE_WAIT_S, failure_for
from heard.connectors.marks import Mark, dump_cursor, load_cursor
from heard.connectors.registry import register
from heard.connectors.renewal import renewal_due
from heard.connectors.youtube.parse import comment_to_post, thread_comments
from heard.errors import BadInput
from heard.posts import RawPost

TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 (an endpoint, not a secret)
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
    secret_options = frozenset({"api_key", "access_token", "refresh_token", "client_secret"})

    def __init__(
        self, channel: ChannelConfig, *, transport: httpx.BaseTransport | None = None, clock: Clock | None = None
    ) -> None:
        super().__init__(channel, transport=transport, clock=clock)
        self._youtube: Any = None
        self._credentials: Any = None
        self._http: Any = None

    def _quota(self, status: int, content: bytes) -> Exception | None:
        try:
            errors = json.loads(content)["error"]["errors"]
            reasons = {str(e.get("reason")) for e in errors if isinstance(e, dict)}
        except (ValueError, KeyError, TypeError):
            return None
        if reasons & _QUOTA_REASONS:
            wait = until_quota_reset(self.clock.now()) if "quotaExceeded" in reasons else 60.0
            return RateLimited(f"YouTube quota: {', '.join(sorted(reasons))}", wait)
        return None

    def service(self) -> Any:
        """The discovery-built YouTube service (the discovery document ships with the client: no fetch), on
        OAuth credentials when the channel has a token, else on the API key."""
        if self._youtube is not None:
            return self._youtube
        discovery = require("googleapiclient.discovery", "youtube")
        httplib2 = require("httplib2", "youtube")
        base = Httplib2Bridge(self.transport) if self.transport is not None else httplib2.Http(timeout=20)
        token = self.channel.options.get("access_token")
        if token:
            credentials_module = require("google.oauth2.credentials", "youtube")
            auth_httplib2 = require("google_auth_httplib2", "youtube")
            self._credentials = credentials_module.Credentials(
                token=str(token),
                refresh_token=self.channel.options.get("refresh_token") or None,
                token_uri=TOKEN_URI,
                client_id=self.channel.options.get("client_id") or None,
                client_secret=self.channel.options.get("client_secret") or None,
            )
            self._http = auth_httplib2.AuthorizedHttp(self._credentials, http=base)
            self._youtube = discovery.build(
                "youtube", "v3", http=self._http, static_discovery=True, cache_discovery=False
            )
        else:
            self._http = base
            self._youtube = discovery.build(
                "youtube",
                "v3",
                http=base,
                developerKey=self.option("api_key"),
                static_discovery=True,
                cache_discovery=False,
            )
        return self._youtube

    def _execute(self, request: Callable[[Any], Any]) -> Any:
        """Build and run one API request; renew the token first when it is due, hand any renewal back to be
        stored, and turn Google's answers into Heard's failures."""
        errors = require("googleapiclient.errors", "youtube")
        auth_errors = require("google.auth.exceptions", "youtube")
        youtube = self.service()
        try:
            if self._credentials is not None and renewal_due(self.clock, self._expiry()):
                self._credentials.refresh(require("google_auth_httplib2", "youtube").Request(self._http.http))
            return request(youtube).execute(num_retries=0)
        except errors.HttpError as exc:
            status = int(exc.resp.status)
            quota = self._quota(status, exc.content) if status in (403, 429) else None
            detail = exc.content[:300].decode("utf-8", "replace")
            raise quota or failure_for(status, dict(exc.resp), "YouTube", detail, self.clock) from None
        except auth_errors.RefreshError as exc:
            reason = exc.args[0] if exc.args else "refused"
            raise ReconnectNeeded(f"Google refused to renew the YouTube token ({reason})") from None
        except auth_errors.TransportError as exc:
            raise Unavailable(f"YouTube: {type(exc).__name__}", OUTAGE_WAIT_S) from None
        except require("httplib2", "youtube").HttpLib2Error as exc:
            raise Unavailable(f"YouTube: {type(exc).__name__}", OUTAGE_WAIT_S) from None
        finally:
            self._note_renewal()

    def _expiry(self) -> Any:
        return self.renewed.get("token_expires_at", self.channel.options.get("token_expires_at"))

    def _note_renewal(self) -> None:
        credentials = self._credentials
        if credentials is None or not credentials.token or credentials.token == self.option("access_token"):
            return
        self.renewed["access_token"] = credentials.token
        expiry = credentials.expiry  # google-auth keeps it naive, in UTC
        if expiry is not None:
            self.renewed["token_expires_at"] = expiry.replace(tzinfo=UTC).timestamp()
        if credentials.refresh_token and credentials.refresh_token != self.channel.options.get("refresh_token"):
            self.renewed["refresh_token"] = credentials.refresh_token

    def is_brand(self, author_handle: str) -> bool:
        return author_handle == self.channel.options.get("channel_id") or super().is_brand(author_handle)

    def read(self, cursor: str | None) -> ReadResult:
        state = load_cursor(cursor)
        mark = Mark.from_json(state.get("t"))
        params: dict[str, Any] = {
            "part": "snippet,replies",
            "allThreadsRelatedToChannelId": self.option("channel_id"),
            "maxResults": 100,
            "order": "time",
            "textFormat": "plainText",
        }
        if self.channel.rules.keywords:
            params["searchTerms"] = " ".join(self.channel.rules.keywords)
        posts: list[RawPost] = []
        rejected: list[BadInput] = []
        seen: list[tuple[float, str]] = []
        threads: list[Any] = []
        for _ in range(MAX_PAGES):
            page = self._execute(lambda youtube: youtube.commentThreads().list(**params))
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
        params: dict[str, Any] = {
            "part": "snippet",
            "parentId": thread_id,
            "maxResults": 100,
            "textFormat": "plainText",
        }
        keys = {p.key for p in posts}
        for _ in range(MAX_PAGES):
            page = self._execute(lambda youtube: youtube.comments().list(**params))
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
        if not self.channel.options.get("access_token"):
            return Delivery(state="failed", error="publishing on YouTube needs an OAuth access_token")
        parent = reply.in_reply_to.split(".", 1)[0]  # replies thread under the top-level comment
        body = {"snippet": {"parentId": parent, "textOriginal": reply.text}}
        made = self._execute(lambda youtube: youtube.comments().insert(part="snippet", body=body))
        comment_id = str(made.get("id") or "") or None
        video = (made.get("snippet") or {}).get("videoId")
        link = f"https://www.youtube.com/watch?v={video}&lc={comment_id}" if video and comment_id else None
        return Delivery(state="sent", external_id=comment_id, permalink=link)

    def close(self) -> None:
        if self._youtube is not None:
            self._youtube.close()
