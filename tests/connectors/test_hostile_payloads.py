"""Social payloads are hostile input: every parser turns any JSON into a post, None, or BadInput, and never
raises anything else."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from heard.connectors.base import ListeningRules
from heard.connectors.bluesky.parse import full_text, jetstream_post, matches, view_to_post
from heard.connectors.facebook.parse import change_to_post, delivery_items, message_to_post, node_to_post
from heard.connectors.linkedin.parse import comment_to_post as linkedin_comment
from heard.connectors.linkedin.parse import notification_to_post
from heard.connectors.mastodon.parse import Frame, frame_status, notification_status, sse_frames, status_to_post
from heard.connectors.reddit.parse import thing_to_post, things
from heard.connectors.x.parse import dm_to_post, v1_to_post, v2_to_post, v2_tweets
from heard.connectors.youtube.parse import comment_to_post as youtube_comment
from heard.connectors.youtube.parse import thread_comments
from heard.errors import BadInput
from heard.posts import RawPost

NOW = datetime(2026, 1, 5, tzinfo=UTC)

KEYS = [
    "id",
    "id_str",
    "text",
    "created_at",
    "createdAt",
    "account",
    "user",
    "author",
    "data",
    "kind",
    "snippet",
    "record",
    "commit",
    "did",
    "time_us",
    "message",
    "from",
    "verb",
    "item",
    "actor",
    "created",
    "facets",
    "reply",
    "entities",
    "content",
    "status",
    "type",
    "uri",
    "author_id",
    "parent_id",
    "created_time",
]
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30))
payloads = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=8)),
    max_leaves=30,
)


def never(handle: str) -> bool:
    return False


def survives(parse: Any, *args: Any) -> None:
    with contextlib.suppress(BadInput):
        parse(*args)


@settings(max_examples=300)
@given(payloads)
def test_every_parser_survives_any_json(payload: Any) -> None:
    survives(status_to_post, payload, never)
    survives(notification_status, payload)
    survives(v2_to_post, payload, {}, never)
    survives(lambda p: list(v2_tweets(p)), payload)
    survives(v1_to_post, payload, never)
    survives(dm_to_post, payload, {}, never)
    survives(dm_to_post, payload, {"1": payload}, never)
    survives(jetstream_post, payload, never)
    survives(view_to_post, payload, never)
    survives(thing_to_post, payload, never)
    survives(lambda p: list(things(p)), payload)
    survives(youtube_comment, payload, never)
    survives(lambda p: list(thread_comments(p)), payload)
    survives(node_to_post, payload, never)
    survives(change_to_post, payload, never)
    survives(message_to_post, payload, never)
    survives(lambda p: list(delivery_items(p)), payload)
    survives(notification_to_post, payload, never)
    survives(linkedin_comment, payload, never)
    if isinstance(payload, dict):
        survives(full_text, payload)
        post = RawPost("bluesky", "at://x/app.bsky.feed.post/1", "did:x", "did:x", "hello #acme", NOW)
        matches(post, payload, ListeningRules(("acme",), ("hello",), ("acme",)), {"did:brand"})


@given(st.text(), st.sampled_from(["update", "notification", "conversation", "status.update", "delete"]))
def test_mastodon_frames_survive_any_text(data: str, event: str) -> None:
    survives(frame_status, Frame(event, data))
    assert all(isinstance(f, Frame) for f in sse_frames(iter(data.splitlines())))
