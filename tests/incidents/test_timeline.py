"""The incident's posts-per-hour chart shows empty hours, and a long incident by day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from heard.incidents.queries import timeline

T0 = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)


def test_empty_hours_are_bars_of_zero() -> None:
    stamps = [T0, T0 + timedelta(minutes=10), T0 + timedelta(hours=3, minutes=5)]
    bars = timeline(stamps)
    assert [count for _, count in bars] == [2, 0, 0, 1]
    assert bars[0][0] == T0.replace(minute=0)
    assert bars[1][0] - bars[0][0] == timedelta(hours=1)


def test_by_day_and_nothing() -> None:
    stamps = [T0, T0 + timedelta(days=2)]
    assert [count for _, count in timeline(stamps, 1440)] == [1, 0, 1]
    assert timeline([]) == []
