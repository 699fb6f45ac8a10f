"""The radar's snapshot: a restored radar behaves exactly like the one that was saved."""

from __future__ import annotations

import json
import random
import zlib
from datetime import timedelta

import pytest

from heard.clock import FrozenClock
from heard.radar import snapshot
from heard.radar.radar import Radar
from tests.radar.test_detectors import _post


def _feed(radar: Radar, clock: FrozenClock, start: int, count: int, seed: int) -> list[tuple[str, str, float]]:
    rng = random.Random(seed)
    spikes = []
    for n in range(start, start + count):
        clock.advance(rng.expovariate(1 / 40))  # 3000 posts: past the volume warm-up of a day
        reply = str(n - 1) if n % 3 == 0 else None
        tags = " #late" if n % 5 == 0 else ""
        post = _post(n, clock.now(), reply, text=f"@acme late{tags}")
        post.hashtags = ("#late",) if tags else ()
        spikes += radar.observe(post)
    return [(s.series_key, s.at.isoformat(), s.severity) for s in spikes]


def _burst(radar: Radar, clock: FrozenClock, start: int) -> list[tuple[str, str, float]]:
    spikes = []
    for i in range(30):
        clock.advance(2)
        spikes += radar.observe(_post(start + i, clock.now(), text="@acme down again"))
    return [(s.series_key, s.at.isoformat(), s.severity) for s in spikes]


def test_a_restored_radar_judges_what_follows_exactly_as_the_saved_one() -> None:
    clock = FrozenClock()
    saved = Radar(["acme"], clock=clock)
    _feed(saved, clock, 1, 3000, seed=1)
    blob, series = snapshot.dump(saved, clock.now())
    twin = FrozenClock(clock.now())
    restored = Radar(["acme"], clock=twin)
    assert snapshot.restore(restored, blob) == series > 2

    after_saved = _feed(saved, clock, 10_000, 500, seed=2) + _burst(saved, clock, 20_000)
    after_restored = _feed(restored, twin, 10_000, 500, seed=2) + _burst(restored, twin, 20_000)
    assert after_saved == after_restored
    assert any(key == "brand:acme" for key, _, _ in after_saved), "the burst fires on the restored brand at once"


def test_a_fresh_radar_is_still_warming_up_and_misses_that_burst() -> None:
    clock = FrozenClock()
    fresh = Radar(["acme"], clock=clock)
    _feed(fresh, clock, 1, 20, seed=3)
    assert not any(key == "brand:acme" for key, _, _ in _burst(fresh, clock, 20_000))


def test_quiet_threads_are_left_out_and_active_ones_kept() -> None:
    clock = FrozenClock()
    radar = Radar(["acme"], clock=clock)
    radar.observe(_post(1, clock.now(), reply_to="old"))
    clock.advance(2 * 3600)
    radar.observe(_post(2, clock.now(), reply_to="new"))
    restored = Radar(["acme"], clock=clock)
    snapshot.restore(restored, snapshot.dump(radar, clock.now())[0])
    keys = set(restored._series)
    assert "thread:x:new" in keys
    assert "thread:x:old" not in keys
    assert "brand:acme" in keys


def test_a_snapshot_from_a_radar_with_other_fields_is_refused_and_changes_nothing() -> None:
    clock = FrozenClock()
    radar = Radar(["acme"], clock=clock)
    _feed(radar, clock, 1, 100, seed=4)
    body = json.loads(zlib.decompress(snapshot.dump(radar, clock.now())[0]))
    body["layout"]["BurstCounter"].append("_new_field")
    target = Radar(["acme"], clock=clock)
    with pytest.raises(snapshot.IncompatibleSnapshot):
        snapshot.restore(target, zlib.compress(json.dumps(body).encode()))
    assert len(target) == 0


def test_arrays_of_another_length_are_refused() -> None:
    clock = FrozenClock()
    radar = Radar(["acme"], clock=clock)
    _feed(radar, clock, 1, 100, seed=5)
    body = json.loads(zlib.decompress(snapshot.dump(radar, clock.now())[0]))
    burst = body["series"][0][1]["s"]["burst"]["s"]
    burst["_bin_count"] = burst["_bin_count"][:12]
    with pytest.raises(snapshot.IncompatibleSnapshot, match="_bin_count"):
        snapshot.restore(Radar(["acme"], clock=clock), zlib.compress(json.dumps(body).encode()))


@pytest.mark.parametrize("blob", [b"", b"not zlib", zlib.compress(b"[1, 2]"), zlib.compress(b"{")])
def test_garbage_is_refused_with_a_clear_error(blob: bytes) -> None:
    with pytest.raises(snapshot.IncompatibleSnapshot):
        snapshot.restore(Radar(["acme"]), blob)


def test_hashtag_statistics_survive(clock: FrozenClock) -> None:
    radar = Radar(["acme"], clock=clock)
    _feed(radar, clock, 1, 200, seed=6)
    restored = Radar(["acme"], clock=clock, known_hashtags=set())
    snapshot.restore(restored, snapshot.dump(radar, clock.now())[0])
    assert restored.hashtags._tags["late"].total == radar.hashtags._tags["late"].total
    assert clock.now() - restored.hashtags._tags["late"].last < timedelta(hours=1)
