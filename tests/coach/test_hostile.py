"""The coach runs on every keystroke over text from anywhere: it must never crash and always score 0-100."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heard.coach.review import ReviewContext
from heard.coach.reviewer import review
from heard.coach.rules import RULE_IDS
from heard.coach.weights import HAND_WEIGHTS, shipped_weights
from heard.lengths import LIMITS as LENGTH_LIMITS

HOSTILE = st.one_of(
    st.text(max_size=2000),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "\x00\x01\u202e\ufeff" * 50,
            "a" * 100_000,
            "🙂" * 5000,
            "((((((((((((((((((((((((((((((((((((((a" * 200,
            "sorry " * 20_000,
        ]
    ),
)


@settings(max_examples=200, deadline=None)
@given(draft=HOSTILE, post=HOSTILE, name=st.text(max_size=50), network=st.text(max_size=12))
def test_any_input_gets_a_score(draft: str, post: str, name: str, network: str) -> None:
    ctx = ReviewContext(post=post, customer_name=name, customer_handle=name, network=network, agent_name=name)
    result = review(draft, ctx)
    assert 0 <= result.score <= 100
    for f in result.findings:
        assert f.span is None or 0 <= f.span[0] <= f.span[1]
        assert f.rule in {*RULE_IDS, "draft.empty", "coach.language"}


def test_shipped_weights_cover_every_rule_and_are_not_negative() -> None:
    weights = shipped_weights()
    assert set(weights) == set(HAND_WEIGHTS)
    assert all(w >= 0 for w in weights.values())


def test_every_finding_names_a_documented_rule() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "coach.md").read_text(encoding="utf-8")
    for rule in (*RULE_IDS, "draft.empty", "coach.language"):
        assert f"`{rule}`" in doc, rule


@settings(max_examples=100, deadline=None)
@given(email=st.emails(), prefix=st.text(alphabet="abc def.,!", max_size=80))
def test_any_email_address_in_a_public_reply_is_a_leak(email: str, prefix: str) -> None:
    draft = f"{prefix} Hi Jane, we wrote to {email} just now."
    assert "privacy.leak" in review(draft, ReviewContext(customer_name="Jane")).rules
    assert "privacy.leak" not in review(draft, ReviewContext(customer_name="Jane", public=False)).rules


@settings(max_examples=60, deadline=None)
@given(network=st.sampled_from(sorted(LENGTH_LIMITS)), extra=st.integers(min_value=1, max_value=300))
def test_one_character_over_the_limit_is_too_long(network: str, extra: int) -> None:
    limit = LENGTH_LIMITS[network]
    words = ("word " * (limit // 5 + extra))[: limit + extra]
    assert ("length.limit" in review(words, ReviewContext(network=network)).rules) is (len(words) > limit)


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    "draft",
    [
        "order" + " " * 15_000 + ".",
        ("booking" + " " * 300) * 40,
        "you " * 5000,
        "Hi " + " ," * 5000,
        "sorry if " * 2000,
        "+1 (" * 4000,
    ],
)
def test_walls_of_text_do_not_make_regexes_backtrack(draft: str) -> None:
    assert 0 <= review(draft, ReviewContext(post=draft)).score <= 100
