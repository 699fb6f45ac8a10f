from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heard.incidents.grouping import Centroids, GroupingParams, assign_online
from heard.incidents.lexical import LexicalEmbedder
from heard.lab.incidents.evaluation import run_grouping, scores
from tests.incidents.fixtures import labelled

EMBED = LexicalEmbedder(stop_terms=["acme", "@AcmeHelp"])


def test_known_groups_are_found_online_and_after_regrouping() -> None:
    texts, labels = labelled()
    online, final = run_grouping(EMBED.embed(texts), GroupingParams(), regroup_every=10)
    assert scores(labels, online)["nmi"] >= 0.75
    got = scores(labels, final)
    assert got["nmi"] >= 0.8
    assert got["ari"] >= 0.7
    assert 4 <= got["groups"] <= 6
    # Incidents may split a problem in two, but never mix two problems.
    for group in set(final):
        assert len({lab for g, lab in zip(final, labels, strict=True) if g == group}) == 1


def test_unrelated_complaints_do_not_share_an_incident() -> None:
    vectors = EMBED.embed(["my package never arrived", "the app crashes when I open settings"])
    ids = iter(range(1, 100))
    assert assign_online(Centroids(EMBED.dimensions), vectors, lambda: next(ids)) == [1, 2]


def test_a_batch_can_join_the_incident_its_first_post_opened() -> None:
    vectors = EMBED.embed(["refund not received after return", "still no refund after my return"])
    ids = iter(range(7, 100))
    assert assign_online(Centroids(EMBED.dimensions), vectors, lambda: next(ids)) == [7, 7]


def test_text_with_nothing_to_compare_is_left_ungrouped() -> None:
    vectors = EMBED.embed(["@acme https://t.co/x", ""])
    assert not vectors.any()
    assert assign_online(Centroids(EMBED.dimensions), vectors, lambda: 1) == [None, None]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=300), min_size=1, max_size=8))
def test_the_embedder_takes_any_text(texts: list[str]) -> None:
    vectors = EMBED.embed(texts)
    assert vectors.shape == (len(texts), EMBED.dimensions)
    norms = np.linalg.norm(vectors, axis=1)
    assert np.all((np.abs(norms - 1) < 1e-4) | (norms == 0))
    assert np.array_equal(vectors, EMBED.embed(texts))


def test_brand_names_do_not_make_unrelated_complaints_alike() -> None:
    texts = ["acme lost my parcel", "acme charged my card twice"]
    plain = LexicalEmbedder().embed(texts)
    branded = LexicalEmbedder(stop_terms=["Acme"]).embed(texts)
    assert float(branded[0] @ branded[1]) < float(plain[0] @ plain[1]) - 0.1


def test_embedders_by_name() -> None:
    from heard.errors import BadInput
    from heard.incidents.embedders import HybridEmbedder, make_embedder

    assert make_embedder("lexical").name == "lexical-v1"
    with pytest.raises(BadInput):
        make_embedder("word2vec")
    hybrid = HybridEmbedder(LexicalEmbedder(dimensions=64), LexicalEmbedder(dimensions=32))
    rows = hybrid.embed(["lost bag again", "card declined"])
    assert rows.shape == (2, 96)
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-4)
