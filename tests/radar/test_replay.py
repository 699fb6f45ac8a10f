"""`heard radar replay`: a count series as one brand's posts through the live radar, on the posts' own time."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from heard.cli import build
from heard.clock import FrozenClock
from heard.lab.radar.replay_score import judge
from heard.radar.radar import Radar
from heard.radar.replay import as_posts, replay, scale_for

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def _series(days: float = 2.5, step_at_h: float = 50.0) -> tuple[list[datetime], list[float]]:
    times = [T0 + timedelta(minutes=5 * i) for i in range(int(days * 288))]
    values = [60.0 if t >= T0 + timedelta(hours=step_at_h) else 10.0 for t in times]
    return times, values


def test_counts_become_that_many_posts_spread_over_each_interval() -> None:
    times, values = [T0, T0 + timedelta(minutes=5)], [3.0, 1.0]
    posts = list(as_posts("acme", times, values))
    assert [p.created_at for p in posts[:3]] == [T0 + timedelta(seconds=50 + 100 * k) for k in range(3)]
    assert len(posts) == 4
    assert {p.mentions for p in posts} == {("acme",)}
    assert scale_for([1e6, 1e6], max_posts=1000) == 2000


def test_a_step_raises_one_volume_alert_and_nothing_before_it() -> None:
    times, values = _series()
    result = replay(times, values, brand="acme")
    assert [(s.kind, s.series_key) for s in result.spikes] == [("volume", "brand:acme")]
    step = T0 + timedelta(hours=50)
    assert timedelta(0) <= result.spikes[0].at - step <= timedelta(minutes=5)


def test_the_alerts_are_the_same_whenever_the_posts_arrive_within_the_live_window() -> None:
    """A replay at any speed is live: what counts is the posts' own time, not when the radar saw them."""
    times, values = _series(days=1.5, step_at_h=30.0)
    posts = list(as_posts("acme", times, values))
    found = []
    for lag in (timedelta(0), timedelta(minutes=20)):
        clock = FrozenClock(posts[0].created_at)
        radar = Radar(["acme"], clock=clock)
        spikes = []
        for post in posts:
            clock.set(post.created_at + lag)
            spikes += [(s.series_key, s.at) for s in radar.observe(post) if not s.ongoing]
        found.append(spikes)
    assert found[0] == found[1] != []


def test_judging_counts_windows_alerted_and_false_alerts() -> None:
    windows = [(T0, T0 + timedelta(hours=1)), (T0 + timedelta(days=2), T0 + timedelta(days=2, hours=1))]
    alerts = [T0 + timedelta(minutes=10), T0 + timedelta(days=1)]
    figures = judge(alerts, windows, T0, T0 + timedelta(days=7))
    assert figures == {"windows": 2, "windows_alerted": 1, "false_alerts": 1, "brand_weeks": 1.0}


def test_the_command_prints_the_alerts(tmp_path: Path) -> None:
    times, values = _series()
    path = tmp_path / "series.csv"
    lines = ["timestamp,value"] + [f"{t:%Y-%m-%d %H:%M:%S},{v}" for t, v in zip(times, values, strict=True)]
    path.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(build(), ["radar", "replay", str(path), "--json"])
    assert result.exit_code == 0, result.output
    alerts = json.loads(result.stdout)["alerts"]
    assert [(a["series"], a["kind"]) for a in alerts] == [("brand:replay", "volume")]
    assert alerts[0]["at"].startswith("2026-03-04T02:")
    assert 0 < alerts[0]["severity"] <= 1
