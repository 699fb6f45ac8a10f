"""What a detector raises: a Spike with its evidence, and the sensitivity presets users choose from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Sensitivity = Literal["low", "normal", "high"]
SENSITIVITIES: tuple[Sensitivity, ...] = ("low", "normal", "high")


@dataclass(frozen=True, slots=True)
class BurstPreset:
    """How surprising a burst must be to count: the false alarms a week each series may raise (its Poisson tail
    threshold follows from its rate, `heard.radar.burst.threshold`), and the fewest posts it takes."""

    false_alarms_per_week: float
    min_posts: int
    cooldown_s: float
    #: The fewest distinct new people (not the complaint's author, not the brand) a thread pile-on takes.
    min_people: int = 3
    #: A volume series (brand, hashtag, topic, incident) raises nothing before it has this much history in event
    #: time and this many posts: without a baseline, a first load or a young series only looks like a spike.
    warmup_s: float = 86_400.0
    warmup_posts: int = 50


#: Checked with `heard bench pileon`: "normal" raised no false alert in 2.14 brand-weeks with five-post threads
#: (target: at most 1 a week), and none in 0.36 brand-weeks with three-person threads (2026-12-07, docs/radar.md).
BURST_PRESETS: dict[Sensitivity, BurstPreset] = {
    "low": BurstPreset(false_alarms_per_week=0.005, min_posts=8, cooldown_s=3600.0, min_people=5),
    "normal": BurstPreset(false_alarms_per_week=0.02, min_posts=5, cooldown_s=1800.0, min_people=3),
    "high": BurstPreset(false_alarms_per_week=0.1, min_posts=4, cooldown_s=900.0, min_people=3),
}


@dataclass(frozen=True, slots=True)
class Spike:
    """A series doing something it does not usually do, with the evidence for it.

    `series_key` names the series ("brand:acme", "hashtag:#delayed", "topic:billing", "incident:12",
    "thread:x:123"). `ongoing` is False the first time a spike is raised and True for its later updates, whose
    severity grows while it lasts. `post_keys` are the posts behind it (at most a few dozen)."""

    kind: str
    series_key: str
    at: datetime
    started_at: datetime
    observed: float
    expected: float
    score: float
    severity: float
    ongoing: bool = False
    post_keys: tuple[str, ...] = ()
    evidence: dict[str, Any] = field(default_factory=dict)
