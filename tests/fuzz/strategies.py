"""Hostile JSON for the fuzz targets: shaped like each network's payloads (keys taken from the parser's own
source, so the generator reaches past the first "is this a dict with an id" check), filled with the values that
break parsers: huge and negative numbers, far dates, lone surrogates, bidi overrides, NUL, very long text."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

#: Examples per target: brief in `make test`; HEARD_FUZZ_EXAMPLES=5000 for a long run.
EXAMPLES = int(os.environ.get("HEARD_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    derandomize=EXAMPLES <= 25,  # the brief run in `make test` is the same every time; long runs explore
)

SRC = Path(__file__).resolve().parents[2] / "src" / "heard"
_KEY = re.compile(r"""(?:get\(|\[)\s*["']([A-Za-z_$][\w$.:-]{0,40})["']""")

HOSTILE_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\udcff",
        "\ud800x",
        "\u202eevil",
        "a" * 70_000,
        "9999-12-31T23:59:59Z",
        "0001-01-01T00:00:00Z",
        "1970-01-01T00:00:00Z",
        "Tue Oct 31 22:10:47 +0000 2017",
        "not a date",
        "<script>alert(1)</script>",
        "&amp;&lt;",
        "a:b",
        "12345678901234567890",
        "did:plc:abc",
        "at://did:plc:abc/app.bsky.feed.post/3k",
        "urn:li:comment:(urn:li:activity:1,2)",
        "t3_abc",
        "true",
    ]
)
NUMBERS = st.one_of(
    st.integers(),
    st.sampled_from([0, -1, 2**31, 2**63, 10**30, -(10**20)]),
    st.floats(allow_nan=True, allow_infinity=True),
)
LEAVES = st.one_of(st.none(), st.booleans(), NUMBERS, HOSTILE_TEXT, st.text(max_size=40))


def keys_of(*modules: str) -> list[str]:
    """The keys a parser reads, from its source: what its payloads are made of."""
    found: set[str] = set()
    for module in modules:
        found.update(_KEY.findall((SRC / module).read_text(encoding="utf-8")))
    return sorted(found)


def payloads(keys: list[str], depth: int = 4) -> st.SearchStrategy[Any]:
    """JSON values whose objects use `keys` (mostly) and any text (sometimes)."""
    key = st.one_of(st.sampled_from(keys), st.text(max_size=8)) if keys else st.text(max_size=8)
    return st.recursive(
        LEAVES,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(key, children, max_size=max(6, len(keys) // 3)),
        ),
        max_leaves=depth * 12,
    )


def objects(keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects most of the time, since a parser refuses anything else at once."""
    key = st.one_of(st.sampled_from(keys), st.text(max_size=8))
    return st.dictionaries(key, payloads(keys), min_size=1, max_size=max(8, len(keys) // 2))
