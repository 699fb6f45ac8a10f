from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heard.alerts.actions import PILEON_PRIORITY
from heard.inbox.reasons import RowFacts, audience, reason

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
WAITED = NOW - timedelta(minutes=42)

CASES = [
    (RowFacts(), ""),
    (RowFacts(waiting_since=WAITED), "waiting 42 min"),
    (RowFacts(waiting_since=WAITED, public=True), "waiting 42 min in public"),
    (RowFacts(waiting_since=WAITED, public=False), "waiting 42 min in private"),
    (RowFacts(waiting_since=NOW - timedelta(hours=3, minutes=5)), "waiting 3 h 5 min"),
    (RowFacts(priority=99, pileon_authors=18), ""),
    (RowFacts(priority=100), "pile-on"),
    (RowFacts(priority=100, pileon_authors=0), "pile-on"),
    (RowFacts(priority=100, pileon_authors=1), "1 person piling on"),
    (RowFacts(priority=250, pileon_authors=18), "18 people piling on"),
    (RowFacts(complaint=0.49), ""),
    (RowFacts(complaint=0.5), "complaint"),
    (RowFacts(sentiment="neutral"), ""),
    (RowFacts(sentiment="negative"), "negative"),
    (RowFacts(sentiment="positive"), "positive"),
    (RowFacts(sentiment="<script>"), ""),
    (RowFacts(followers=999), ""),
    (RowFacts(followers=12_345), "12k followers"),
    (
        RowFacts(WAITED, True, 100, 18, 0.9, "negative", 12_000),
        "waiting 42 min in public · 18 people piling on · complaint · negative · 12k followers",
    ),
    (RowFacts(waiting_since=NOW + timedelta(minutes=5), public=True), "waiting 0 s in public"),
]


@pytest.mark.parametrize(("facts", "expected"), CASES)
def test_reason(facts: RowFacts, expected: str) -> None:
    assert reason(facts, NOW) == expected


def test_naive_waiting_since_is_read_as_utc() -> None:
    assert reason(RowFacts(waiting_since=WAITED.replace(tzinfo=None)), NOW) == "waiting 42 min"


@pytest.mark.parametrize(
    ("followers", "text"),
    [(0, "0"), (999, "999"), (1_000, "1k"), (1_250, "1.2k"), (9_990, "10k"), (12_345, "12k"), (3_400_000, "3.4M")],
)
def test_audience(followers: int, text: str) -> None:
    assert audience(followers) == text


def test_pileon_threshold_matches_the_radar() -> None:
    from heard.inbox.reasons import PILEON_PRIORITY as ours

    assert ours == PILEON_PRIORITY


@given(
    waited_s=st.one_of(st.none(), st.integers(min_value=-(10**9), max_value=10**9)),
    public=st.one_of(st.none(), st.booleans()),
    priority=st.integers(min_value=-(2**31), max_value=2**31),
    authors=st.one_of(st.none(), st.integers(min_value=-(10**6), max_value=10**9)),
    complaint=st.one_of(st.none(), st.floats(allow_nan=True)),
    sentiment=st.one_of(st.none(), st.text(max_size=20)),
    followers=st.one_of(st.none(), st.integers(min_value=-(10**6), max_value=10**12)),
)
def test_reason_never_fails_on_odd_facts(
    waited_s: int | None,
    public: bool | None,
    priority: int,
    authors: int | None,
    complaint: float | None,
    sentiment: str | None,
    followers: int | None,
) -> None:
    since = None if waited_s is None else NOW - timedelta(seconds=waited_s)
    text = reason(RowFacts(since, public, priority, authors, complaint, sentiment, followers), NOW)
    assert isinstance(text, str)
    assert not text.startswith(" · ")
    assert "-" not in text.replace("pile-on", "")
