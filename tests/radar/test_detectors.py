"""The streaming detectors on a frozen clock: a step fires, noise does not, cooldown holds, memory stays flat."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heard.clock import FrozenClock
from heard.posts import Post, RawPost
from heard.radar.burst import BurstCounter, poisson_sf, threshold
from heard.radar.radar import Radar
from heard.radar.series import DetectorConfig, SeriesDetector


def _series(clock: FrozenClock, values: list[float], step_s: float = 300.0) -> list[float]:
    detector = SeriesDetector()
    scores = []
    for value in values:
        scores.append(detector.update(clock.now(), value))
        clock.advance(step_s)
    return scores


def test_series_step_fires_once_then_cooldown_holds(clock: FrozenClock) -> None:
    rng = random.Random(4)
    values = [10.0 + rng.gauss(0, 1) for _ in range(1500)] + [30.0 + rng.gauss(0, 1) for _ in range(60)]
    scores = _series(clock, values)
    quiet, step = scores[750:1500], scores[1500:]
    alarm, cooldown = DetectorConfig().alarm, DetectorConfig().cooldown
    assert max(step[:3]) >= 0.5
    assert sum(1 for s in quiet if s >= alarm) <= 3
    fired = next(i for i, s in enumerate(step) if s >= alarm)
    assert max(step[fired + 1 : fired + cooldown]) == 0.0


def test_series_gaussian_noise_does_not_fire(clock: FrozenClock) -> None:
    rng = random.Random(7)
    scores = _series(clock, [50.0 + rng.gauss(0, 3) for _ in range(3000)])
    alarms = [s for s in scores[750:] if s >= DetectorConfig().alarm]
    # Pure noise still sets a new all-time extreme now and then (about 2/n of rows): rare, and weak.
    assert len(alarms) <= 6
    assert max(scores[750:]) < 0.5


def test_series_ignores_non_finite_values(clock: FrozenClock) -> None:
    detector = SeriesDetector()
    for value in (1.0, float("nan"), float("inf"), 2.0):
        score = detector.update(clock.now(), value)
        assert 0.0 <= score <= 1.0
        clock.advance(60)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32), min_size=1, max_size=300))
def test_series_scores_stay_in_unit_interval_on_any_input(values: list[float]) -> None:
    clock = FrozenClock()
    detector = SeriesDetector()
    for value in values:
        assert 0.0 <= detector.update(clock.now(), value) <= 1.0
        clock.advance(300)


def test_poisson_tail_by_hand() -> None:
    assert poisson_sf(0, 3.0) == 1.0
    assert poisson_sf(1, 2.0) == 1.0 - pytest_exp(-2.0)
    assert poisson_sf(5, 1.0) < 0.004
    assert poisson_sf(5, 1.0) > 0.003


def pytest_exp(x: float) -> float:
    import math

    return math.exp(x)


def test_burst_learns_rate_and_flags_burst(clock: FrozenClock) -> None:
    counter = BurstCounter()
    for _ in range(24 * 60):  # a day of one event a minute
        counter.add(clock.now())
        clock.advance(60)
    p_normal, _, _ = counter.surprise(clock.now())
    assert p_normal > 0.1
    for _ in range(12):
        clock.advance(3)
        counter.add(clock.now(), learn=False)
    p_burst, observed, expected = counter.surprise(clock.now())
    assert p_burst < 1e-6
    assert observed > 5 * expected


def test_threshold_spends_the_weekly_budget_over_every_evaluation() -> None:
    # One event a minute is evaluated 10 080 times a week: 0.02 false alarms a week allows p of about 2e-6 each.
    assert abs(threshold(0.02, 1 / 60) - 0.02 / 10_080) < 1e-12
    assert threshold(0.02, 5.0) < threshold(0.02, 1 / 60) < threshold(0.02, 1 / 3600)
    assert threshold(0.02, 0.0) == threshold(0.02, 1 / 3600)  # never more lenient than the one-an-hour prior
    assert threshold(100.0, 1 / 3600) == 1e-3


def _day_of_one_a_minute(counter: BurstCounter, clock: FrozenClock) -> None:
    for _ in range(24 * 60):
        counter.add(clock.now())
        clock.advance(60)


def test_burst_counts_the_last_seconds_exactly(clock: FrozenClock) -> None:
    counter = BurstCounter()
    _day_of_one_a_minute(counter, clock)
    for _ in range(7):  # seven in 21 s, and an eighth 3 s later, where one a minute is usual
        clock.advance(3)
        counter.add(clock.now(), learn=False)
    clock.advance(3)
    p, observed, expected = counter.surprise(clock.now())
    assert observed == 8.0  # exact: the 30 s window holds all 8 (a decayed 30 s count would be about 5.7)
    assert expected == counter.expected_rate(clock.now()) * 30.0
    assert p < threshold(0.02, counter.expected_rate(clock.now()))


def test_burst_spread_over_minutes_is_not_surprising(clock: FrozenClock) -> None:
    counter = BurstCounter()
    _day_of_one_a_minute(counter, clock)
    for _ in range(5):  # the same five events over five minutes are the usual rate
        clock.advance(60)
        counter.add(clock.now(), learn=False)
    p, _, _ = counter.surprise(clock.now() + timedelta(seconds=60))
    assert p > 0.1


def test_burst_beyond_the_kept_times_falls_back_to_decayed_counts(clock: FrozenClock) -> None:
    counter = BurstCounter()
    _day_of_one_a_minute(counter, clock)
    for _ in range(200):  # 200 in 100 s: more than the 32 kept times cover in every exact window but 10 s
        clock.advance(0.5)
        counter.add(clock.now(), learn=False)
    p, observed, _ = counter.surprise(clock.now())
    assert observed > 100  # the decayed count, not the 33 the kept times could show
    assert p < 1e-30


def _post(n: int, when, reply_to: str | None = None, author: str | None = None, text: str = "@acme late") -> Post:  # type: ignore[no-untyped-def]
    raw = RawPost(
        network="x",
        external_id=str(n),
        author_id=author or f"a{n}",
        author_handle=author or f"a{n}",
        text=text,
        created_at=when,
        in_reply_to=reply_to,
        author_followers=100,
    )
    return Post(raw=raw, text=raw.text, mentions=("acme",))


def _quiet_day(radar: Radar, clock: FrozenClock, rng: random.Random) -> list:  # type: ignore[type-arg]
    spikes = []
    for n in range(1, 24 * 60 * 2 + 1):  # one post every 30 s on average for a day, small conversations
        clock.advance(rng.expovariate(1 / 30))
        reply = str(n - 1) if n % 3 == 0 else None
        spikes += radar.observe(_post(n, clock.now(), reply))
    return spikes


def test_thread_pileon_fires_once_within_a_minute_and_noise_does_not(clock: FrozenClock) -> None:
    rng = random.Random(1)
    radar = Radar(["acme"], clock=clock)
    assert [s for s in _quiet_day(radar, clock, rng) if clock.now() - s.at < timedelta(hours=20)] == []
    onset = clock.now()
    radar.observe(_post(10**6, onset, author="victim"))
    spikes = []
    for i in range(40):  # ten new authors a minute say "same here" on the one complaint
        clock.advance(6)
        spikes += radar.observe(_post(10**6 + i + 1, clock.now(), reply_to=str(10**6), text="@acme same here"))
    opened = [s for s in spikes if not s.ongoing and s.series_key == f"thread:x:{10**6}"]
    assert len(opened) == 1
    assert (opened[0].at - onset).total_seconds() <= 60
    assert opened[0].evidence["new_authors"] == 3  # three people, not the complaint's author
    updates = [s for s in spikes if s.ongoing and s.series_key == opened[0].series_key]
    assert updates, "a pile-on that goes on updates its spike rather than opening new ones"
    assert updates[-1].severity >= opened[0].severity
    state = radar.thread_state(f"x:{10**6}")
    assert state is not None
    assert state.me_too >= 30
    assert state.unanswered_s > 0


def test_people_joining_a_friendly_thread_are_no_pile_on_until_they_complain(clock: FrozenClock) -> None:
    """A customer's cheerful post that a dozen people and brands banter under (the sample's "mince pie off") is a
    conversation; the same crowd turning on the thread with complaints is a pile-on; unjudged posts count as ever."""
    radar = Radar(["acme"], clock=clock)

    def judged(post: Post, sentiment: str, complaint: float) -> Post:
        return replace(post, sentiment=sentiment, complaint=complaint)

    def crowd(root: int, sentiment: str, complaint: float, text: str) -> list[str]:
        host = _post(root, clock.now(), author="host", text="@acme mince pie off is go!")
        radar.observe(judged(host, "positive", 0.02))
        opened = []
        for i in range(1, 13):
            clock.advance(10)
            reply = judged(_post(root + i, clock.now(), reply_to=str(root), text=text), sentiment, complaint)
            found = radar.observe(reply)
            opened += [s.series_key for s in found if s.series_key.startswith("thread:") and not s.ongoing]
        return opened

    assert crowd(1000, "positive", 0.05, "@acme yours are the best, bring it on") == []
    assert crowd(2000, "negative", 0.9, "@acme mine arrived mouldy, not funny") == ["thread:x:2000"]
    unjudged = radar.observe(_post(3000, clock.now(), author="host"))  # the models did not run: nothing assumed
    assert unjudged == []
    for i in range(1, 13):
        clock.advance(10)
        radar.observe(_post(3000 + i, clock.now(), reply_to="3000", text="@acme ha"))
    assert radar.thread_state("x:3000") is not None
    assert radar.thread_state("x:3000").new_authors >= 3  # type: ignore[union-attr]


def test_radar_memory_is_bounded(clock: FrozenClock) -> None:
    radar = Radar(["acme"], clock=clock, capacity=100)
    for n in range(2000):
        clock.advance(1)
        radar.observe(_post(n, clock.now(), reply_to=f"root{n}"))
    assert len(radar) <= 100


def test_time_of_day_profile_flags_a_value_usual_at_another_hour(clock: FrozenClock) -> None:
    _flat_night(clock, DetectorConfig())


def test_without_the_profile_the_flat_night_goes_unseen(clock: FrozenClock) -> None:
    with pytest.raises(AssertionError):
        _flat_night(clock, DetectorConfig(profile_alpha=0.0))


def _flat_night(clock: FrozenClock, profile: DetectorConfig) -> None:
    # A square wave (80 by day, -20 by night): 40 at night is inside the range seen, but not at that hour.
    rng = random.Random(7)

    def usual(step: int) -> float:
        return (80.0 if 108 <= step % 288 < 216 else -20.0) + rng.gauss(0, 2)

    detector = SeriesDetector(profile)
    normal_day = []
    for step in range(288 * 12):
        score = detector.update(clock.now(), usual(step))
        if step >= 288 * 11:
            normal_day.append(score)
        clock.advance(300)
    flat = []
    for _ in range(36):  # three hours of 40 in the night
        flat.append(detector.update(clock.now(), 40.0 + rng.gauss(0, 2)))
        clock.advance(300)
    # A detection at NAB's chosen threshold (about 0.05), which the ordinary last day never reaches.
    assert max(flat) > 0.1
    assert max(normal_day) < 0.05


@settings(max_examples=40, deadline=None)
@given(st.randoms(use_true_random=False))
def test_posts_in_any_order_never_break_the_radar(rng: random.Random) -> None:
    """Networks deliver late and backfills arrive old: a post older than the spike it joins must not raise."""
    clock = FrozenClock()
    start = clock.now()
    posts = [_post(0, start, author="victim")]
    posts += [
        _post(i, start + timedelta(seconds=rng.uniform(0, 600)), reply_to="0", text="@acme same here")
        for i in range(1, 60)
    ]
    posts += [_post(100 + i, start + timedelta(seconds=rng.uniform(-3600, 3600))) for i in range(60)]
    rng.shuffle(posts)
    radar = Radar(["acme"], clock=clock)
    spikes = [s for post in posts for s in radar.observe(post)]
    assert all(0.0 <= s.severity <= 1.0 for s in spikes)


def _spikes_then_early_one(clock: FrozenClock, config: DetectorConfig) -> tuple[list[float], float]:
    # A spike of 20 every 50 steps on a flat 0 (nothing new for a long while), then one spike 4 steps after another:
    # each value was seen thousands of times, only the sequence is new.
    detector = SeriesDetector(config)
    usual = []
    for step in range(3000):
        score = detector.update(clock.now(), 20.0 if step % 50 == 0 else 0.0)
        if step >= 750:
            usual.append(score)
        clock.advance(300)
    for step in range(4):  # within the context's six values
        detector.update(clock.now(), 20.0 if step == 0 else 0.0)
        clock.advance(300)
    return usual, detector.update(clock.now(), 20.0)


def test_context_novelty_flags_a_new_sequence_of_usual_values(clock: FrozenClock) -> None:
    usual, early = _spikes_then_early_one(clock, DetectorConfig())
    assert max(usual) < 0.05
    assert early > 0.5


def test_without_context_novelty_the_early_spike_goes_unseen(clock: FrozenClock) -> None:
    _, early = _spikes_then_early_one(clock, DetectorConfig(context_len=0))
    assert early < 0.05


def test_post_counts_keep_no_context_set_and_value_streams_a_fixed_one(clock: FrozenClock) -> None:
    counts = SeriesDetector(DetectorConfig(counts=True))
    values = SeriesDetector()
    rng = random.Random(3)
    for step in range(5000):
        value = rng.gauss(0, 1) * (1 + step)  # the range keeps growing: the level grid is laid again and again
        counts.update(clock.now(), abs(value))
        values.update(clock.now(), value)
        clock.advance(300)
    assert len(counts._ctx_seen) == 0
    assert len(values._ctx_seen) == 8192
    assert len(values._ctx_recent) <= DetectorConfig().context_len


def test_the_complaints_own_author_never_counts_as_joining_it(clock: FrozenClock) -> None:
    radar = Radar(["acme"], clock=clock)
    radar.observe(_post(1, clock.now(), author="victim"))
    spikes = []
    for i in range(6):  # the customer adds to their own complaint, again and again, then two people join
        clock.advance(5)
        spikes += radar.observe(_post(10 + i, clock.now(), reply_to="1", author="victim"))
    for i in range(2):
        clock.advance(5)
        spikes += radar.observe(_post(20 + i, clock.now(), reply_to="1", text="@acme same here"))
    assert [s for s in spikes if s.kind == "pileon"] == []
    clock.advance(5)
    third = radar.observe(_post(30, clock.now(), reply_to="1", text="@acme me too"))
    assert [s.evidence["new_authors"] for s in third if s.kind == "pileon"] == [3]


def test_history_is_learnt_but_raises_nothing(clock: FrozenClock) -> None:
    """A back-fill, an import or a first load: posts an hour or more older than the radar's clock."""
    radar = Radar(["acme"], clock=clock)
    old = clock.now() - timedelta(days=30)
    radar.observe(_post(1, old, author="victim"))
    spikes = []
    for i in range(20):
        spikes += radar.observe(_post(10 + i, old + timedelta(seconds=3 * i), reply_to="1", text="@acme same"))
    assert spikes == []
    live = Radar(["acme"], clock=FrozenClock(old + timedelta(minutes=2)))
    live.observe(_post(1, old, author="victim"))
    replayed = [live.observe(_post(10 + i, old + timedelta(seconds=3 * i), reply_to="1")) for i in range(20)]
    assert any(s.kind == "pileon" for batch in replayed for s in batch)


def test_a_young_volume_series_raises_nothing_before_its_warm_up(clock: FrozenClock) -> None:
    radar = Radar(["acme"], clock=clock)
    spikes = []
    for n in range(60):  # one post every ten minutes for ten hours, then a burst of 40 in two minutes
        clock.advance(600)
        spikes += radar.observe(_post(n, clock.now()))
    for n in range(40):
        clock.advance(3)
        spikes += radar.observe(_post(100 + n, clock.now()))
    assert [s.series_key for s in spikes] == []
