"""Topics: a taxonomy written by a company is learned from its keywords and examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heard.errors import BadInput
from heard.understanding.embeddings import default_embeddings
from heard.understanding.topics import Taxonomy, TopicModel


def test_shipped_taxonomies_load_and_merge() -> None:
    airline = Taxonomy.load("airline")
    software = Taxonomy.load("software-retail")
    general = Taxonomy.load("general")
    assert {"delay", "baggage", "staff"} <= set(airline.topics)
    assert {"login", "billing", "refund"} <= set(software.topics)
    assert set(general.topics) == set(airline.topics) | set(software.topics)


def test_a_custom_taxonomy_from_keywords_and_examples(tmp_path: Path) -> None:
    path = tmp_path / "bank.json"
    path.write_text(
        json.dumps(
            {
                "name": "bank",
                "topics": {
                    "card": {"keywords": ["card declined", "debit card"], "examples": ["my card was declined"]},
                    "app": {"keywords": ["app", "login"], "examples": ["the banking app will not open"]},
                },
            }
        )
    )
    emb = default_embeddings()
    model = TopicModel.train(Taxonomy.load(str(path)), emb)
    texts = ["My debit card keeps getting declined at the shop", "The app crashes when I try to login", "nice weather"]
    got = [topic for topic, _ in model.predict(texts, emb.embed(texts))]
    assert got[:2] == ["card", "app"]
    assert got[2] is None


def test_saved_model_predicts_the_same(tmp_path: Path) -> None:
    emb = default_embeddings()
    model = TopicModel.train(Taxonomy.load("airline"), emb)
    model.save(tmp_path / "airline")
    again = TopicModel.load(tmp_path / "airline")
    texts = ["my bag never arrived", "flight delayed three hours", "hello"]
    vectors = emb.embed(texts)
    assert model.predict(texts, vectors) == again.predict(texts, vectors)


@pytest.mark.parametrize("doc", [{}, {"topics": {}}, {"topics": {"x": {}}}, [], "x"])
def test_bad_taxonomies_are_refused_with_a_reason(doc: object) -> None:
    with pytest.raises(BadInput):
        Taxonomy.from_json(doc)
