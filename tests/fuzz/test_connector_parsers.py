"""Fuzz targets, one for each connector's payload parser (issue 21). Whatever a network (or someone pretending
to be one) sends, a parser returns posts, None, or BadInput (the caller's dead letter), and never raises
anything else; every post it returns crosses the event log and is read back there, or is refused with a reason.

Brief in `make test` (25 examples a target); `HEARD_FUZZ_EXAMPLES=5000 pytest tests/fuzz` for a long run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heard.connectors.bluesky import parse as bluesky
from heard.connectors.facebook import parse as facebook
from heard.connectors.linkedin import parse as linkedin
from heard.connectors.mastodon import parse as mastodon
from heard.connectors.reddit import parse as reddit
from heard.connectors.x import parse as x
from heard.connectors.youtube import parse as youtube
from heard.errors import BadInput
from heard.posts import RawPost
from tests.fuzz.strategies import FUZZ, keys_of, objects, payloads


def _never(_: str) -> bool:
    return False


def crosses_the_log(out: object) -> None:
    """What a parser returned: None, a RawPost, or an iterable of them (or of pairs holding them)."""
    if out is None:
        return
    if isinstance(out, RawPost):
        with contextlib.suppress(BadInput):  # refused where the pipeline reads it: a dead letter
            RawPost.from_json(out.to_json())
        return
    if isinstance(out, tuple):
        for item in out:
            crosses_the_log(item)
        return
    if isinstance(out, Iterable) and not isinstance(out, str | bytes | dict):
        for item in out:
            crosses_the_log(item)


def parsed(parse: Callable[[Any], object], value: Any) -> None:
    try:
        out = parse(value)
        if not isinstance(out, RawPost | tuple | dict | str | type(None)) and isinstance(out, Iterable):
            out = list(out)  # generators raise when they are read
    except BadInput:
        return
    crosses_the_log(out)


TARGETS: dict[str, tuple[Callable[[Any], object], list[str]]] = {
    "mastodon.status": (lambda v: mastodon.status_to_post(v, _never), keys_of("connectors/mastodon/parse.py")),
    "mastodon.notification": (mastodon.notification_status, keys_of("connectors/mastodon/parse.py")),
    "bluesky.view": (lambda v: bluesky.view_to_post(v, _never), keys_of("connectors/bluesky/parse.py")),
    "bluesky.jetstream": (lambda v: bluesky.jetstream_post(v, _never), keys_of("connectors/bluesky/parse.py")),
    "facebook.delivery": (
        lambda v: [
            facebook.change_to_post(item, _never) if kind == "change" else facebook.message_to_post(item, _never)
            for kind, item in facebook.delivery_items(v)
        ],
        keys_of("connectors/facebook/parse.py"),
    ),
    "facebook.change": (lambda v: facebook.change_to_post(v, _never), keys_of("connectors/facebook/parse.py")),
    "facebook.message": (lambda v: facebook.message_to_post(v, _never), keys_of("connectors/facebook/parse.py")),
    "linkedin.notification": (
        lambda v: linkedin.notification_to_post(v, _never),
        keys_of("connectors/linkedin/parse.py"),
    ),
    "linkedin.comment": (lambda v: linkedin.comment_to_post(v, _never), keys_of("connectors/linkedin/parse.py")),
    "reddit.listing": (
        lambda v: [reddit.thing_to_post(t, _never) for t in reddit.things(v)],
        keys_of("connectors/reddit/parse.py"),
    ),
    "reddit.thing": (lambda v: reddit.thing_to_post(v, _never), keys_of("connectors/reddit/parse.py")),
    "x.v2": (
        lambda v: [x.v2_to_post(t, users, _never) for t, users in x.v2_tweets(v)],
        keys_of("connectors/x/parse.py"),
    ),
    "x.v1": (lambda v: x.v1_to_post(v, _never), keys_of("connectors/x/parse.py")),
    "x.dm": (lambda v: x.dm_to_post(v, {}, _never), keys_of("connectors/x/parse.py")),
    "youtube.thread": (
        lambda v: [youtube.comment_to_post(c, _never) for c in youtube.thread_comments(v)],
        keys_of("connectors/youtube/parse.py"),
    ),
    "youtube.comment": (lambda v: youtube.comment_to_post(v, _never), keys_of("connectors/youtube/parse.py")),
}


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_a_parser_never_raises_anything_but_bad_input(name: str) -> None:
    parse, keys = TARGETS[name]

    @FUZZ
    @given(st.one_of(objects(keys), payloads(keys)))
    def run(value: Any) -> None:
        parsed(parse, value)

    run()


def test_mastodon_stream_frames() -> None:
    @FUZZ
    @given(st.lists(st.one_of(st.text(max_size=60), st.sampled_from(["", "event: update", "data: {", ":)"]))))
    def run(lines: list[str]) -> None:
        for frame in mastodon.sse_frames(iter(lines)):
            parsed(mastodon.frame_status, frame)

    run()


def test_a_lone_surrogate_from_a_network_still_crosses_the_log() -> None:
    """Found while writing these targets: JSON may carry "\\udcff"; a post holding one could not go on the log."""
    status = {
        "id": "1",
        "account": {"id": "2", "acct": "ana", "display_name": "\udcff"},
        "content": "<p>hi \ud800</p>",
        "created_at": "2026-01-05T10:00:00Z",
    }
    post = RawPost.from_json(mastodon.status_to_post(status, _never).to_json())
    assert post.author_name == "\ufffd"
    assert "\ud800" not in post.text
