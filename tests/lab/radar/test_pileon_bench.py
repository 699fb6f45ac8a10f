"""The latency bench's own parts: the hourly comparator and the judging of alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from heard.lab.radar.pileon_bench import (
    HourlyComparator,
    Outcome,
    PileOn,
    _judge,
    fifth_posts,
    joiners,
    nth_posts,
    synth_brand,
)

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def test_hourly_comparator_alerts_only_at_the_hour_end_on_a_doubling() -> None:
    hourly = HourlyComparator()
    alerts = []
    for hour in range(13):  # 5 posts an hour for 13 hours
        for minute in range(0, 60, 12):
            alerts += hourly.observe(["brand:a"], T0 + timedelta(hours=hour, minutes=minute))
    assert alerts == []
    for second in range(0, 3600, 300):  # 12 posts in the 14th hour: more than twice the mean, at least 10
        alerts += hourly.observe(["brand:a"], T0 + timedelta(hours=13, seconds=second))
    assert alerts == []  # nothing until the hour is over
    alerts += hourly.observe(["brand:a"], T0 + timedelta(hours=14, minutes=1))
    assert alerts == [("brand:a", T0 + timedelta(hours=14))]


def test_judging_counts_first_alert_per_pileon_and_false_ones() -> None:
    pile = PileOn("b", T0 + timedelta(hours=30), T0 + timedelta(hours=31), "b-root-0", "bfail0")
    alerts = [
        ("thread:x:b-root-0", T0 + timedelta(hours=30, seconds=40)),
        ("brand:b", T0 + timedelta(hours=30, seconds=90)),
        ("hashtag:#other", T0 + timedelta(hours=30, seconds=50)),
        ("brand:b", T0 + timedelta(hours=5)),  # warm-up: not judged
    ]
    outcome = Outcome()
    _judge(alerts, [pile], T0 + timedelta(days=1), outcome)
    assert outcome.delays == [40.0]
    assert (outcome.missed, outcome.false_alerts) == (0, 1)


def test_synthetic_brand_has_its_pileons_in_time_order() -> None:
    posts, pileons = synth_brand("b", 1 / 60, 2.0, np.random.default_rng(0))
    assert pileons
    assert [p.created_at for p in posts] == sorted(p.created_at for p in posts)
    piled = [p for p in posts if p.in_reply_to == pileons[0].root_id]
    assert len({p.author_id for p in piled}) == len(piled) >= 20


def test_floor_is_the_fifth_pileon_post_and_delays_split_by_shape() -> None:
    posts, pileons = synth_brand("b", 0.05, 3.0, np.random.default_rng(1))
    floors = fifth_posts(posts, pileons)
    first = pileons[0]
    replies = sorted(p.created_at for p in posts if p.in_reply_to == first.root_id)
    assert floors[first.root_id] == (replies[4] - first.onset).total_seconds()
    assert all(5.0 <= p.magnitude <= 10.0 for p in pileons)
    assert {p.ramp for p in pileons} == {True, False}
    step, ramp = (next(p for p in pileons if p.ramp is shape) for shape in (False, True))
    alerts = [(f"thread:x:{step.root_id}", step.onset + timedelta(seconds=10))]
    alerts.append((f"thread:x:{ramp.root_id}", ramp.onset + timedelta(seconds=100)))
    outcome = Outcome()
    second = nth_posts(posts, pileons, 2)
    assert second[first.root_id] == (replies[1] - first.onset).total_seconds()
    _judge(alerts, [step, ramp], T0, outcome, floors, second)
    assert (outcome.step_delays, outcome.ramp_delays) == ([10.0], [100.0])
    assert len(outcome.floors) == len(outcome.second_floors) == 2
    summary = outcome.floor_summary()
    assert summary["p95_second_post_s"] is not None
    assert summary["p95_fifth_post_s"] is not None
    assert summary["p95_second_post_s"] <= summary["p95_fifth_post_s"]


def test_people_before_alert_counts_distinct_joiners_up_to_the_alert() -> None:
    posts, pileons = synth_brand("b", 0.05, 2.0, np.random.default_rng(2))
    first = pileons[0]
    joined = joiners(posts, pileons)
    times = joined[first.root_id]
    assert times == sorted(times)
    assert len(times) >= 5
    outcome = Outcome()
    _judge([(f"thread:x:{first.root_id}", times[2])], [first], T0, outcome, joined=joined)
    assert outcome.people == [3]
    assert outcome.summary(1.0)["people_before_alert_p95"] == 3.0
