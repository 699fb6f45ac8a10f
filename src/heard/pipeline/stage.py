"""The stage interface every step of the pipeline implements (normalize, dedupe, understand, group, detect).

A stage is called with a batch of posts and a context and returns the posts that go on: the same objects
(annotated) or fewer (dropped). A stage that meets a post it cannot handle calls `ctx.reject(post, reason)`
and leaves it out. What a stage needs to know about the store (what was seen before, the brand's posts, open
incidents) comes through the batch's ports (`ctx.ports`, `heard.pipeline.ports`), never a database handle; state
of its own (the radar's counters, the loaded models) it keeps from one batch to the next.

`run_stages` isolates failures: when a stage raises on a batch, it reruns that stage post by post so that only
the offending post is set aside (as a dead letter with the error), and the rest of the batch goes on.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from heard.pipeline.ports import BatchPorts
from heard.posts import Post


@dataclass(frozen=True, slots=True)
class Rejection:
    key: str
    stage: str
    reason: str
    raw: str


@dataclass
class StageContext:
    now: datetime
    ports: BatchPorts = field(default_factory=BatchPorts)
    rejections: list[Rejection] = field(default_factory=list)
    current_stage: str = ""

    def reject(self, post: Post, reason: str) -> None:
        self.rejections.append(Rejection(post.key, self.current_stage, reason, post.raw.to_json().decode()))


class Stage(Protocol):
    name: str

    def __call__(self, posts: list[Post], ctx: StageContext) -> list[Post]: ...


@dataclass
class StageTimings:
    """Seconds per stage, wall (`seconds`) and the process's CPU (`cpu_seconds`): on a shared machine the wall
    time also measures the neighbours, the CPU time only the stage. The process's, every thread of it, not the
    calling thread's: the models compute in native threads for the stage that calls them (a quarter of the
    judgements' CPU), and a worker runs one stage at a time, so what the process spends meanwhile is the stage's."""

    seconds: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, seconds: float, cpu_seconds: float = 0.0) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        self.cpu_seconds[name] = self.cpu_seconds.get(name, 0.0) + cpu_seconds

    @contextmanager
    def timed(self, name: str) -> Iterator[None]:
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - started, time.process_time() - cpu_started)


def run_stages(
    stages: Sequence[Stage], posts: list[Post], ctx: StageContext, timings: StageTimings | None = None
) -> list[Post]:
    for stage in stages:
        ctx.current_stage = stage.name
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            posts = stage(posts, ctx)
        except Exception:
            posts = _one_by_one(stage, posts, ctx)
        if timings is not None:
            timings.add(stage.name, time.perf_counter() - started, time.process_time() - cpu_started)
    return posts


def _one_by_one(stage: Stage, posts: list[Post], ctx: StageContext) -> list[Post]:
    survivors: list[Post] = []
    for post in posts:
        try:
            survivors.extend(stage([post], ctx))
        except Exception as exc:
            ctx.reject(post, f"{stage.name} failed: {type(exc).__name__}: {exc}"[:1000])
    return survivors
