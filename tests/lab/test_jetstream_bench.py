"""The Jetstream bench measures what it says: every frame read over the socket, the same posts kept by the
prefiltered reader as by the exact match alone."""

from __future__ import annotations

import pytest

from heard.lab import jetstream_bench

pytestmark = pytest.mark.timeout(120)


@pytest.mark.parametrize("compress", [False, True])
def test_the_bench_reads_every_frame_and_keeps_what_the_exact_match_keeps(compress: bool) -> None:
    figures = jetstream_bench.run(3000, compress=compress)
    assert figures["end_to_end"]["read"] == 3000
    assert figures["end_to_end"]["kept"] == figures["taker"]["kept"] == figures["prefilter"]["passed"]
    assert figures["taker"]["kept"] > 0
    for name in ("bare_decode", "prefilter", "taker", "end_to_end"):
        assert figures[name]["events_per_cpu_s"] > 0
