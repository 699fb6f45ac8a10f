"""`warped`: a first load laid out with the gaps a live replay gives, so history and live are one stream."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from heard.connectors.replay.connector import warped
from heard.posts import RawPost

T0 = datetime(2017, 10, 1, tzinfo=UTC)


def _post(i: int, at: datetime) -> RawPost:
    return RawPost("twitter", str(i), f"a{i}", f"a{i}", "hello @brand", at)


def test_gaps_are_divided_by_the_speed_capped_and_end_where_asked() -> None:
    # Gaps of 60 s, 2 days and 120 s: at 60x, 1 s, capped at 3 s, and 2 s.
    times = [T0, T0 + timedelta(seconds=60), T0 + timedelta(days=2, seconds=60), T0 + timedelta(days=2, seconds=180)]
    end = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)
    out = warped([_post(i, t) for i, t in enumerate(times)], speed=60.0, max_gap_s=3.0, end=end)
    assert [(p.created_at - end).total_seconds() for p in out] == [-6.0, -5.0, -2.0, 0.0]
    assert [p.external_id for p in out] == ["0", "1", "2", "3"]


def test_nothing_to_warp() -> None:
    assert warped([], speed=60.0, max_gap_s=3.0, end=T0) == []
