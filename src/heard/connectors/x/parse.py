"""X payloads into RawPost: API v2 responses (data + includes.users) and v1.1 tweets (Account Activity
webhook `tweet_create_events`, older recordings).

Links: X shortens every link to t.co in `text`; the expanded address from `entities.urls` replaces it, so the
normaliser sees where a link really goes. Times: a tweet without `created_at` (a request that did not ask for
it) gets the time encoded in its snowflake id. Authors: a v2 tweet without `author_id` (a request without
`expansions=author_id`) gets the author "unknown"; the reply still works, since it targets the tweet id.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from heard.errors import BadInput
from heard.posts import MAX_TEXT_CHARS, RawPost, parse_time

UNKNOWN = "unknown"
_TWITTER_EPOCH_MS = 1288834974657
_V1_TIME = "%a %b %d %H:%M:%S %z %Y"


def snowflake_time(tweet_id: str) -> datetime:
    return datetime.fromtimestamp(((int(tweet_id) >> 22) + _TWITTER_EPOCH_MS) / 1000, tz=UTC)


def expand_links(text: str, entities: Any) -> str:
    urls = entities.get("urls") if isinstance(entities, dict) else None
    for link in urls if isinstance(urls, list) else []:
        if isinstance(link, dict) and link.get("url") and link.get("expanded_url"):
            text = text.replace(str(link["url"]), str(link["expanded_url"]))
    return text


def users_by_id(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    includes = payload.get("includes")
    users = includes.get("users") if isinstance(includes, dict) else None
    return {str(u["id"]): u for u in users or [] if isinstance(u, dict) and u.get("id")}


def v2_tweets(payload: Any) -> Iterator[tuple[dict[str, Any], dict[str, dict[str, Any]]]]:
    """Each tweet of a v2 response (`data` is a list, or one object on lookups and stream lines)."""
    if not isinstance(payload, dict):
        raise BadInput("an X API v2 response must be a JSON object", str(payload)[:2000])
    data = payload.get("data")
    users = users_by_id(payload)
    for tweet in data if isinstance(data, list) else [data] if isinstance(data, dict) else []:
        yield tweet, users


def v2_to_post(
    tweet: Any, users: dict[str, dict[str, Any]], is_brand: Callable[[str], bool], channel: str | None = None
) -> RawPost:
    raw = json.dumps(tweet, ensure_ascii=False)[:4000]
    if not isinstance(tweet, dict) or not str(tweet.get("id", "")).isdigit():
        raise BadInput("an X tweet needs a numeric id", raw)
    tweet_id = str(tweet["id"])
    author_id = str(tweet.get("author_id") or UNKNOWN)
    user = users.get(author_id, {})
    handle = str(user.get("username") or author_id)
    metrics = user.get("public_metrics")
    followers = metrics.get("followers_count") if isinstance(metrics, dict) else None
    note = tweet.get("note_tweet")
    text = str(note.get("text")) if isinstance(note, dict) and note.get("text") else str(tweet.get("text") or "")
    refs = {str(r.get("type")): str(r.get("id")) for r in tweet.get("referenced_tweets") or [] if isinstance(r, dict)}
    created = tweet.get("created_at")
    return RawPost(
        network="x",
        external_id=tweet_id,
        author_id=author_id,
        author_handle=handle,
        author_name=str(user["name"]) if user.get("name") else None,
        author_followers=followers if isinstance(followers, int) and followers >= 0 else None,
        text=expand_links(text, tweet.get("entities"))[:MAX_TEXT_CHARS],
        created_at=parse_time(created, raw) if created else snowflake_time(tweet_id),
        is_brand=handle != UNKNOWN and is_brand(handle),
        in_reply_to=refs.get("replied_to"),
        quote_of=refs.get("quoted"),
        permalink=f"https://x.com/{handle if handle != UNKNOWN else 'i'}/status/{tweet_id}",
        language=str(tweet["lang"]) if tweet.get("lang") else None,
        channel=channel,
    )


def v1_to_post(tweet: Any, is_brand: Callable[[str], bool], channel: str | None = None) -> RawPost:
    """A v1.1 tweet (Account Activity `tweet_create_events`); a retweet becomes the tweet it shares."""
    raw = json.dumps(tweet, ensure_ascii=False)[:4000]
    if not isinstance(tweet, dict):
        raise BadInput("an X v1.1 tweet must be a JSON object", raw)
    if isinstance(tweet.get("retweeted_status"), dict):
        tweet = tweet["retweeted_status"]
    user = tweet.get("user")
    tweet_id = str(tweet.get("id_str") or tweet.get("id") or "")
    if not isinstance(user, dict) or not tweet_id.isdigit():
        raise BadInput("an X v1.1 tweet needs an id and a user", raw)
    extended = tweet.get("extended_tweet") if isinstance(tweet.get("extended_tweet"), dict) else {}
    text = str(extended.get("full_text") or tweet.get("full_text") or tweet.get("text") or "")
    entities = extended.get("entities") or tweet.get("entities")
    handle = str(user.get("screen_name") or user.get("id_str") or UNKNOWN)
    followers = user.get("followers_count")
    return RawPost(
        network="x",
        external_id=tweet_id,
        author_id=str(user.get("id_str") or user.get("id") or UNKNOWN),
        author_handle=handle,
        author_name=str(user["name"]) if user.get("name") else None,
        author_followers=followers if isinstance(followers, int) and followers >= 0 else None,
        text=expand_links(text, entities)[:MAX_TEXT_CHARS],
        created_at=_v1_time(tweet.get("created_at"), tweet_id, raw),
        is_brand=is_brand(handle),
        in_reply_to=_id_str(tweet, "in_reply_to_status_id"),
        quote_of=_id_str(tweet, "quoted_status_id"),
        permalink=f"https://x.com/{handle}/status/{tweet_id}",
        language=str(tweet["lang"]) if tweet.get("lang") not in (None, "", "und") else None,
        channel=channel,
    )


def _id_str(tweet: dict[str, Any], name: str) -> str | None:
    value = tweet.get(f"{name}_str") or tweet.get(name)
    return str(value) if value else None


def _v1_time(value: Any, tweet_id: str, raw: str) -> datetime:
    if isinstance(value, str):
        try:
            return datetime.strptime(value, _V1_TIME).astimezone(UTC)
        except ValueError as exc:
            raise BadInput(f"X created_at {value[:40]!r} is not a v1.1 time", raw) from exc
    return snowflake_time(tweet_id)


def dm_to_post(
    event: Any, users: dict[str, Any], is_brand: Callable[[str], bool], channel: str | None = None
) -> RawPost | None:
    """An Account Activity `direct_message_events` item (a private post); None for other event types."""
    raw = json.dumps(event, ensure_ascii=False)[:4000]
    if not isinstance(event, dict):
        raise BadInput("an X direct message event must be a JSON object", raw)
    if event.get("type") != "message_create":
        return None
    create = event.get("message_create")
    data = create.get("message_data") if isinstance(create, dict) else None
    sender = str(create.get("sender_id") or "") if isinstance(create, dict) else ""
    if not isinstance(data, dict) or not sender or not event.get("id"):
        raise BadInput("an X direct message needs an id, a sender and message_data", raw)
    found = users.get(sender)
    user: dict[str, Any] = found if isinstance(found, dict) else {}
    handle = str(user.get("screen_name") or sender)
    followers = user.get("followers_count")
    stamp = event.get("created_timestamp")
    when = int(stamp) / 1000 if isinstance(stamp, str | int) and str(stamp).isdigit() else None
    return RawPost(
        network="x",
        external_id=f"dm-{event['id']}",
        author_id=sender,
        author_handle=handle,
        author_name=str(user["name"]) if user.get("name") else None,
        author_followers=followers if isinstance(followers, int) and followers >= 0 else None,
        text=expand_links(str(data.get("text") or ""), data.get("entities"))[:MAX_TEXT_CHARS],
        created_at=parse_time(when, raw),
        is_brand=is_brand(handle),
        is_public=False,
        channel=channel,
    )


def dm_event_to_post(
    event: Any, users: dict[str, Any], is_brand: Callable[[str], bool], channel: str | None = None
) -> RawPost | None:
    """A v2 `GET /2/dm_events` item (read with the `dm.read` scope) as a private post; None for events that are
    not messages (participants joining or leaving)."""
    raw = json.dumps(event, ensure_ascii=False)[:4000]
    if not isinstance(event, dict):
        raise BadInput("an X DM event must be a JSON object", raw)
    if event.get("event_type") != "MessageCreate":
        return None
    event_id = str(event.get("id") or "")
    sender = str(event.get("sender_id") or "")
    if not event_id.isdigit() or not sender:
        raise BadInput("an X DM event needs an id and a sender_id", raw)
    found = users.get(sender)
    user: dict[str, Any] = found if isinstance(found, dict) else {}
    handle = str(user.get("username") or sender)
    metrics = user.get("public_metrics")
    followers = metrics.get("followers_count") if isinstance(metrics, dict) else None
    created = event.get("created_at")
    return RawPost(
        network="x",
        external_id=f"dm-{event_id}",
        author_id=sender,
        author_handle=handle,
        author_name=str(user["name"]) if user.get("name") else None,
        author_followers=followers if isinstance(followers, int) and followers >= 0 else None,
        text=expand_links(str(event.get("text") or ""), event.get("entities"))[:MAX_TEXT_CHARS],
        created_at=parse_time(created, raw) if created else snowflake_time(event_id),
        is_brand=is_brand(handle) or is_brand(sender),
        is_public=False,
        channel=channel,
    )
