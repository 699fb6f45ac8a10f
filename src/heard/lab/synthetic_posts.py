"""Generated posts for benchmarks: realistic text (recombined from the bundled twcs sample) in reply chains
between customers and brands, with the shape of real support traffic (1-6 turns, brand answers minutes later)."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from importlib import resources

from heard.posts import RawPost

_BRANDS = ("AirlineCare", "ShopHelp", "TelcoSupport", "AppSupport", "BankCares")


def _sample_texts() -> tuple[list[str], list[str]]:
    customer: list[str] = []
    brand: list[str] = []
    with resources.files("heard.samples").joinpath("twcs-sample.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            (customer if row["inbound"] == "True" else brand).append(row["text"])
    return customer, brand


def synthetic_posts(count: int, seed: int = 7, start: datetime | None = None) -> Iterator[RawPost]:
    """`count` posts in time order (within a conversation), threaded by in_reply_to."""
    rng = random.Random(seed)
    customer_texts, brand_texts = _sample_texts()
    clock = start or datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    made = 0
    thread = 0
    while made < count:
        thread += 1
        brand = rng.choice(_BRANDS)
        customer = f"cust{rng.randrange(count // 3 + 1)}"
        turns = min(count - made, rng.choice((1, 2, 2, 3, 4, 6)))
        clock += timedelta(seconds=rng.expovariate(1 / 2.0))
        at = clock
        parent: str | None = None
        for turn in range(turns):
            is_brand = turn % 2 == 1
            external_id = f"s{thread}-{turn}"
            yield RawPost(
                network="twitter",
                external_id=external_id,
                author_id=brand if is_brand else customer,
                author_handle=brand if is_brand else customer,
                text=rng.choice(brand_texts if is_brand else customer_texts),
                created_at=at,
                is_brand=is_brand,
                in_reply_to=parent,
                author_followers=None if is_brand else int(rng.paretovariate(1.2) * 50),
            )
            parent = external_id
            at += timedelta(seconds=rng.expovariate(1 / 600.0))
            made += 1
