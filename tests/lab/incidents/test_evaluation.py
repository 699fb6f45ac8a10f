"""The grouping figures: NMI, ARI and accuracy under the best matching of groups to labels."""

from __future__ import annotations

import pytest

from heard.lab.incidents.evaluation import scores


def test_scores_of_a_perfect_and_a_useless_grouping() -> None:
    labels = ["a", "a", "b", "b", "c"]
    assert scores(labels, [9, 9, 4, 4, 1]) == {"nmi": 1.0, "ari": 1.0, "accuracy": 1.0, "groups": 3}
    lumped = scores(labels, [0, 0, 0, 0, 0])
    assert lumped["nmi"] == 0.0
    assert lumped["accuracy"] == pytest.approx(0.4)
