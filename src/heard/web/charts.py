"""Chart geometry for server-drawn SVG: the page needs no JavaScript chart library, prints, and works with
scripts blocked. Pure functions from figures to rectangles; the template only draws them."""

from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH = 720
HEIGHT = 160
#: Room left of the plot for the axis labels.
GUTTER = 56


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    #: The bar's series, as a CSS class suffix.
    kind: str
    #: Shown on hover (an SVG <title>): the day and the value in words.
    title: str


@dataclass(frozen=True, slots=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    #: Labels under the first and the last bar.
    first: str
    last: str


def _slots(count: int) -> tuple[float, float]:
    slot = (WIDTH - GUTTER) / max(count, 1)
    return slot, max(slot * 0.8, 1.0)


def stacked_bars(days: list[str], series: list[tuple[str, str, list[int]]]) -> Chart:
    """One bar a day, stacked from the bottom in `series` order: (kind, noun, values per day)."""
    totals = [sum(values[n] for _, _, values in series) for n in range(len(days))]
    top = max([*totals, 1])
    slot, width = _slots(len(days))
    bars = []
    for n, day in enumerate(days):
        base = float(HEIGHT)
        for kind, noun, values in series:
            height = HEIGHT * values[n] / top
            if height > 0:
                base -= height
                bars.append(Bar(GUTTER + n * slot, base, width, height, kind, f"{day}: {values[n]} {noun}"))
    ticks = [Tick(HEIGHT * (1 - f), str(round(top * f))) for f in (0.0, 0.5, 1.0)]
    return Chart(WIDTH, HEIGHT, bars, ticks, days[0] if days else "", days[-1] if days else "")


#: Log-scale ticks for durations: response times span seconds to days, so a linear axis hides the good days.
DURATION_TICKS = ((60.0, "1 min"), (900.0, "15 min"), (3600.0, "1 h"), (86400.0, "1 d"), (604800.0, "1 wk"))


def duration_bars(days: list[str], values: list[float | None], kind: str, words: list[str]) -> Chart:
    """One bar a day on a log scale from 10 s to a week; days without a value get no bar."""
    low, high = math.log10(10.0), math.log10(604800.0)

    def y_of(seconds: float) -> float:
        share = (math.log10(min(max(seconds, 10.0), 604800.0)) - low) / (high - low)
        return HEIGHT * (1 - share)

    slot, width = _slots(len(days))
    bars = [
        Bar(GUTTER + n * slot, y_of(value), width, HEIGHT - y_of(value), kind, f"{day}: {word}")
        for n, (day, value, word) in enumerate(zip(days, values, words, strict=True))
        if value is not None
    ]
    ticks = [Tick(y_of(seconds), label) for seconds, label in DURATION_TICKS]
    return Chart(WIDTH, HEIGHT, bars, ticks, days[0] if days else "", days[-1] if days else "")
