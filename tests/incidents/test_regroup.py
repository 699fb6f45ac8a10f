"""Re-grouping repairs what online assignment got wrong without changing who is who."""

from __future__ import annotations

import numpy as np

from heard.incidents.grouping import GroupingParams
from heard.incidents.lexical import LexicalEmbedder
from heard.incidents.regroup import regroup
from tests.incidents.fixtures import GROUPS

EMBED = LexicalEmbedder(stop_terms=["acme", "acmehelp"])


def _vectors(*groups: str) -> tuple[np.ndarray, list[str]]:
    texts = [t for g in groups for t in GROUPS[g]]
    return EMBED.embed(texts), [g for g in groups for _ in GROUPS[g]]


def test_duplicate_incidents_merge_into_the_larger_and_ids_survive() -> None:
    vectors, labels = _vectors("login", "refund")
    # Online split the login complaints over incidents 10 and 11; refunds are 20.
    current = [10 if lab == "login" and i < 5 else 11 if lab == "login" else 20 for i, lab in enumerate(labels)]
    result = regroup(vectors, current)
    assert result.merged == {11: 10}
    assert set(result.assignment) == {10, 20}
    assert [a for a, lab in zip(result.assignment, labels, strict=True) if lab == "refund"] == [20] * 7


def test_a_pinned_incident_keeps_its_id_and_its_posts() -> None:
    vectors, labels = _vectors("login", "refund")
    current = [10 if lab == "login" and i < 5 else 11 if lab == "login" else 20 for i, lab in enumerate(labels)]
    result = regroup(vectors, current, pinned={11})
    assert result.merged == {10: 11}
    assert [current[i] for i in range(5, 8)] == [result.assignment[i] for i in range(5, 8)] == [11, 11, 11]


def test_two_pinned_incidents_are_never_merged() -> None:
    vectors, labels = _vectors("login")
    current = [1 if i < 4 else 2 for i in range(len(labels))]
    result = regroup(vectors, current, pinned={1, 2})
    assert result.assignment == current
    assert result.merged == {}


def test_a_misplaced_post_moves_home_unless_an_agent_put_it_there() -> None:
    vectors, labels = _vectors("delivery", "card")
    current = [1 if lab == "delivery" else 2 for lab in labels]
    current[0] = 2  # a delivery complaint that landed with the card ones
    assert regroup(vectors, current).assignment[0] == 1
    fixed = [i == 0 for i in range(len(current))]
    assert regroup(vectors, current, fixed=fixed).assignment[0] == 2


def test_regrouping_twice_changes_nothing_more() -> None:
    vectors, labels = _vectors("login", "refund", "delivery", "card")
    rng = np.random.default_rng(3)
    current = [int(x) for x in rng.integers(1, 9, size=len(labels))]
    once = regroup(vectors, current)
    twice = regroup(vectors, once.assignment)
    assert twice.assignment == once.assignment
    assert twice.merged == {}


def test_small_incidents_join_a_near_large_one_but_not_a_far_one() -> None:
    vectors, _labels = _vectors("refund", "card")
    current = [1] * 7 + [2] * 7
    current[6] = 3  # one refund complaint alone in incident 3
    assert regroup(vectors, current).merged == {3: 1}
    far = GroupingParams(absorb=0.99, merge=0.99)
    assert regroup(vectors, current, params=far).merged == {}


def test_a_young_small_incident_is_not_absorbed() -> None:
    vectors, _labels = _vectors("refund", "card")
    current = [1] * 7 + [2] * 7
    current[6] = 3
    assert regroup(vectors, current, young={3}, params=GroupingParams(merge=0.99)).merged == {}
