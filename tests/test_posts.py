import contextlib
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heard.errors import BadInput
from heard.posts import Post, RawPost

GOOD = {"network": "X", "external_id": 12, "author_id": "7", "text": "hi", "created_at": "2026-01-05T10:00:00Z"}


def test_round_trip() -> None:
    post = RawPost.from_json(json.dumps(GOOD))
    assert post.network == "x"
    assert post.external_id == "12"
    assert post.author_handle == "7"
    assert RawPost.from_json(post.to_json()) == post


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"not json", "not JSON"),
        (b"[1,2]", "not a JSON object"),
        (json.dumps({**GOOD, "external_id": ""}).encode(), "'external_id' is missing"),
        (json.dumps({**GOOD, "created_at": "yesterday"}).encode(), "not an ISO 8601 time"),
        (json.dumps({**GOOD, "text": 5}).encode(), "'text' must be a string"),
        (json.dumps({**GOOD, "author_followers": -1}).encode(), "non-negative"),
        (json.dumps({**GOOD, "external_id": "9" * 500}).encode(), "longer than"),
        (b"\xff\xfe broken", "not JSON"),
    ],
)
def test_bad_payloads_say_why(payload: bytes, reason: str) -> None:
    with pytest.raises(BadInput, match=reason) as info:
        RawPost.from_json(payload)
    assert info.value.raw  # the raw input is kept for the dead letter


@given(st.binary(max_size=500))
def test_any_bytes_either_parse_or_raise_bad_input(payload: bytes) -> None:
    with contextlib.suppress(BadInput):
        RawPost.from_json(payload)


@given(
    st.dictionaries(st.sampled_from([*list(GOOD), "is_brand", "in_reply_to"]), st.none() | st.integers() | st.text())
)
def test_any_mapping_either_parses_or_raises_bad_input(data: dict[str, object]) -> None:
    with contextlib.suppress(BadInput):
        RawPost.from_json(json.dumps(data))


def test_a_judged_post_crosses_the_log_with_what_the_radar_reads() -> None:
    raw = RawPost(
        "x",
        "9",
        "a9",
        "ann",
        "@acme late again #fail",
        datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
        in_reply_to="7",
        author_followers=1200,
        channel="acme",
    )
    post = Post(
        raw,
        "@acme late again #fail",
        hashtags=("#fail",),
        mentions=("@acme",),
        complaint=0.91,
        sentiment="negative",
        topic="delay",
        urgency=55,
        intents=("complaint",),
    )
    post.extra["incident_id"] = 12
    post.extra["brands"] = ["acme", "acme-travel"]
    back = Post.from_judged_json(post.to_judged_json())
    assert back.raw == raw
    assert (back.hashtags, back.mentions, back.complaint, back.topic) == (("#fail",), ("@acme",), 0.91, "delay")
    assert (back.sentiment, back.urgency, back.intents) == ("negative", 55, ("complaint",))
    assert back.extra["incident_id"] == 12
    assert back.extra["brands"] == ["acme", "acme-travel"]  # the separate radar counts the same brand series


@pytest.mark.parametrize(
    "payload",
    [b"\xff", b"[]", b'{"raw": 1}', b'{"raw": {}}', b'{"raw": {"network": "x"}}', b'{"complaint": 1}'],
)
def test_a_judged_post_that_is_not_one_is_bad_input(payload: bytes) -> None:
    with pytest.raises(BadInput):
        Post.from_judged_json(payload)


def test_a_judged_post_with_a_malformed_judgement_is_bad_input() -> None:
    raw = RawPost("x", "1", "a", "a", "hi", datetime(2026, 1, 1, tzinfo=UTC))
    good = json.loads(Post(raw, "hi").to_judged_json())
    for field, value in [("complaint", "high"), ("urgency", [1]), ("topic", {"a": 1}), ("complaint", True)]:
        with pytest.raises(BadInput):
            Post.from_judged_json(json.dumps({**good, field: value}))
