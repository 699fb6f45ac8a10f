"""Stage timings count the CPU a stage costs the process, the work of threads it starts included: the models
compute in native threads, and a bench that counted only the calling thread put a quarter of the judgements'
CPU in no stage at all."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from heard.pipeline.stage import StageContext, StageTimings, run_stages
from heard.posts import Post


def _spin(seconds: float) -> None:
    until = time.thread_time() + seconds
    while time.thread_time() < until:
        pass


class _Helped:
    """A stage whose work is done by another thread, as a model's native threads do it."""

    name = "helped"

    def __call__(self, posts: list[Post], ctx: StageContext) -> list[Post]:
        helper = threading.Thread(target=_spin, args=(0.2,))
        helper.start()
        helper.join()
        return posts


def test_a_stage_is_charged_the_cpu_of_the_threads_it_keeps_busy() -> None:
    timings = StageTimings()
    run_stages([_Helped()], [], StageContext(now=datetime.now(UTC)), timings)
    assert timings.cpu_seconds["helped"] >= 0.19


def test_timed_blocks_are_charged_the_same_way() -> None:
    timings = StageTimings()
    with timings.timed("block"):
        helper = threading.Thread(target=_spin, args=(0.2,))
        helper.start()
        helper.join()
    assert timings.cpu_seconds["block"] >= 0.19
