"""The layering holds between top-level packages: none imports another that imports it back, directly or
through any chain of other modules (import-linter's layer rows say who may import whom; this catches a cycle
that a row joined with `:` or left out of the rows would let through)."""

from __future__ import annotations

import grimp

ROOT = "heard"


def test_no_two_top_level_packages_import_each_other() -> None:
    graph = grimp.build_graph(ROOT)
    tops = sorted({m.split(".")[1] for m in graph.modules if m.count(".") >= 1})
    reaches = {
        (a, b)
        for a in tops
        for b in tops
        if a != b and graph.chain_exists(importer=f"{ROOT}.{a}", imported=f"{ROOT}.{b}", as_packages=True)
    }
    assert sorted((a, b) for a, b in reaches if a < b and (b, a) in reaches) == []
