"""No text crashes the understanding stage, and every judgement stays in its documented range."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heard.understanding.intents import COMPLAINT, OTHER, PRAISE, QUESTION
from heard.understanding.judge import Judgement, PostFacts, Understander

SENTIMENTS = {"negative", "neutral", "positive", "unknown"}


@pytest.fixture(scope="module")
def understander() -> Understander:
    return Understander.default()


def check(j: Judgement) -> None:
    assert 0.0 <= j.complaint <= 1.0
    assert j.sentiment in SENTIMENTS
    assert -1.0 <= j.sentiment_score <= 1.0
    assert set(j.intents) <= {COMPLAINT, QUESTION, PRAISE, OTHER}
    assert j.intents
    assert 0 <= j.urgency <= 100
    assert isinstance(j.language, str)
    assert j.language


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(max_size=400), min_size=1, max_size=8))
def test_any_text_gets_a_judgement(understander: Understander, texts: list[str]) -> None:
    for judged in understander.judge(texts):
        check(judged)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200),
    st.integers(min_value=0, max_value=10**12) | st.none(),
    st.floats(min_value=0, max_value=1e9, allow_nan=False) | st.none(),
    st.booleans(),
)
def test_any_facts_get_a_bounded_urgency(
    understander: Understander, text: str, followers: int | None, waited: float | None, public: bool
) -> None:
    (judged,) = understander.judge([text], [PostFacts(followers, public, waited)])
    check(judged)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t  ",
        "a" * 100_000,
        "complaint " * 20_000,
        "\ud800 lone surrogate \udfff",
        "\x00\x01\x02 control",
        "😡😡😡",
        "🙂",
        "#️⃣👨‍👩‍👧‍👦🏳️‍🌈",
        "Mi vuelo se retrasó tres horas y nadie nos dice nada",
        "飛行機が遅れて、誰も何も教えてくれない",
        "\u202e\u200b\ufeff",
    ],
)
def test_hostile_examples(understander: Understander, text: str) -> None:
    (judged,) = understander.judge([text])
    check(judged)


def test_empty_text_is_a_clear_unknown(understander: Understander) -> None:
    (judged,) = understander.judge(["   "])
    assert judged.sentiment == "unknown"
    assert judged.language == "und"
    assert judged.complaint == 0.0
    assert judged.intents == (OTHER,)


def test_only_emoji_is_judged_not_guessed_as_language(understander: Understander) -> None:
    (judged,) = understander.judge(["😡😡😡"])
    assert judged.language == "und"
    assert judged.sentiment in {"negative", "neutral", "positive"}
