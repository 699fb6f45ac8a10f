import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heard.errors import BadInput
from heard.posts import RawPost

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
