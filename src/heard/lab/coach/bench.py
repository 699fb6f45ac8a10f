"""`heard bench coach`: how long one review takes, as the inbox calls it on each keystroke.

The drafts grow a character at a time, as an agent types them, against a pile-on context with hundreds of replies
already sent, which is the slow case (near-copy checks against every earlier reply)."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from heard.coach.review import ReviewContext
from heard.coach.reviewer import review

_POST = "@brand your app logged me out AGAIN and now my booking HAPTCQ is gone. Third time this week, unacceptable!"
_DRAFT = (
    "Hi Maria, we're so sorry the app logged you out and hid your booking, that's on us. It comes from Tuesday's "
    "4.2 update, which drops sessions on some Android phones. The fix is out: update to 4.2.1 and your booking "
    "will be back (https://help.example.com/kb/app-logout). Thanks for your patience. ^Sam"
)


def pile_on_context(previous: int) -> ReviewContext:
    replies = tuple(
        f"Hi customer{i}, sorry about the logout after the update, the fix for case {i} is on its way. Thanks ^Kim"
        if i % 3
        else f"Hello user{i}! The 4.2 update caused the logout; update to 4.2.1 and sign in again ({i}). ^Lee"
        for i in range(previous)
    )
    return ReviewContext(
        post=_POST,
        customer_name="Maria Lopez",
        customer_handle="maria_l",
        agent_name="Sam Hill",
        previous_replies=replies,
        article_url="https://help.example.com/kb/app-logout",
        incident_title="App logs people out after the 4.2 update",
    )


def bench(previous: int = 300, rounds: int = 3) -> dict[str, Any]:
    ctx = pile_on_context(previous)
    drafts = [_DRAFT[:n] for n in range(1, len(_DRAFT) + 1)] * rounds
    started = time.perf_counter()
    review(_DRAFT, ctx)
    cold_ms = (time.perf_counter() - started) * 1000
    timings, cpu_timings = [], []
    for draft in drafts:
        start, cpu_start = time.perf_counter_ns(), time.thread_time_ns()
        review(draft, ctx)
        cpu_timings.append((time.thread_time_ns() - cpu_start) / 1e6)
        timings.append((time.perf_counter_ns() - start) / 1e6)
    ms, cpu = np.array(timings), np.array(cpu_timings)
    return {
        "reviews": len(ms),
        "previous_replies": previous,
        "draft_chars": len(_DRAFT),
        "ms_mean": round(float(ms.mean()), 3),
        "ms_p50": round(float(np.percentile(ms, 50)), 3),
        "ms_p99": round(float(np.percentile(ms, 99)), 3),
        "ms_max": round(float(ms.max()), 3),
        "ms_first_review": round(cold_ms, 3),
        # CPU time leaves out the moments the OS gave the core to another process, which wall time includes.
        "cpu_ms_mean": round(float(cpu.mean()), 3),
        "cpu_ms_p99": round(float(np.percentile(cpu, 99)), 3),
        "target_ms": 5.0,
    }
