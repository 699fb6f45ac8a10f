"""The understand stage asks whether a post names the brand in words with one pattern for all of the brand's names;
it must answer as one search per name did."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from heard.pipeline.understand import _HANDLE, _names

NAMES = st.frozensets(st.sampled_from(["amazon", "playstation", "delta", "amazonprime", "tesco", "sky", "o2"]))
TEXT = st.lists(
    st.sampled_from(["amazon", "Amazon", "@amazon", "#delta", "amazonprime", "primeamazon", "tesco's", "sky", "o2!"])
    | st.text(alphabet=" .,!@#_abcdeoz2", max_size=6),
    max_size=8,
).map(" ".join)


def _one_search_per_name(text: str, words: frozenset[str]) -> bool:
    lowered = _HANDLE.sub(" ", text[:2000].lower())
    return any(re.search(rf"(?<![\w@#]){re.escape(w)}\b", lowered) for w in words)


@settings(max_examples=400, deadline=None)
@given(TEXT, NAMES)
def test_one_pattern_answers_as_a_search_per_name(text: str, words: frozenset[str]) -> None:
    assert _names(text, words) == _one_search_per_name(text, words)


def test_a_name_inside_a_longer_word_or_a_hashtag_is_not_named() -> None:
    words = frozenset({"amazon", "delta"})
    assert _names("so done with Amazon today", words)
    assert not _names("amazonprime is down", words)
    assert not _names("#delta again", words)
    assert _names("amazonprime and delta both down", words)
