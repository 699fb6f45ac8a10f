from __future__ import annotations

import pytest

from heard.reports.stats import median, percentile
from heard.web.charts import HEIGHT, duration_bars, stacked_bars


@pytest.mark.parametrize(
    ("values", "pct", "expected"),
    [
        ([], 50, None),
        ([5.0], 90, 5.0),
        ([1.0, 2.0], 50, 1.0),
        ([1.0, 2.0, 3.0, 4.0], 90, 4.0),
        ([1.0, 2.0, 3.0], 0, 1.0),
    ],
)
def test_nearest_rank_percentiles_are_values_that_occurred(
    values: list[float], pct: float, expected: float | None
) -> None:
    assert percentile(values, pct) == expected


def test_median_of_an_even_count_is_the_lower_middle() -> None:
    assert median([10.0, 20.0, 30.0, 40.0]) == 20.0


def test_stacked_bars_fill_the_height_for_the_busiest_day_and_skip_zeros() -> None:
    chart = stacked_bars(["d1", "d2"], [("kept", "ok", [3, 0]), ("breached", "late", [1, 2])])
    day1 = [b for b in chart.bars if b.title.startswith("d1")]
    assert sum(b.height for b in day1) == pytest.approx(HEIGHT)
    assert [b.kind for b in chart.bars if b.title.startswith("d2")] == ["breached"]
    assert chart.bars[0].title == "d1: 3 ok"
    assert (chart.first, chart.last) == ("d1", "d2")


def test_duration_bars_are_log_scaled_and_leave_empty_days_out() -> None:
    chart = duration_bars(["a", "b", "c"], [60.0, None, 86400.0], "median", ["1 min", "none", "1 d"])
    minute, day = chart.bars
    assert len(chart.bars) == 2
    assert day.height > minute.height > 0
    ticks = {t.label: t.y for t in chart.ticks}
    assert ticks["1 min"] == pytest.approx(minute.y)
    assert ticks["1 d"] == pytest.approx(day.y)
