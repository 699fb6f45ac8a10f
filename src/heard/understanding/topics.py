"""Topics from a company-configurable taxonomy: each topic is a few keywords and example posts.

"Training" a taxonomy embeds its examples and keywords with the static embeddings and keeps one centroid per
topic. A post's topic is the best of keyword hits (phrases matched on word boundaries, which an agent can
read and fix) plus cosine similarity to the centroids (which catches the paraphrases nobody listed). A post
close to no topic gets none. Taxonomies are JSON: {"name": ..., "topics": {"delay": {"keywords": [...],
"examples": [...]}}}; the shipped ones are in `heard/understanding/taxonomies/`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from heard.errors import BadInput
from heard.understanding.embeddings import StaticEmbeddings
from heard.understanding.text import model_text

TAXONOMY_DIR = Path(__file__).resolve().parent / "taxonomies"
SHIPPED = ("airline", "software-retail")
#: Cosine similarity to a centroid below which a post without keyword hits gets no topic.
MIN_SIMILARITY = 0.45
KEYWORD_BONUS = 0.3


@dataclass
class Taxonomy:
    """Topic names with their keywords and example posts, as a company wrote them."""

    name: str
    keywords: dict[str, list[str]]
    examples: dict[str, list[str]]

    @property
    def topics(self) -> list[str]:
        return list(self.keywords)

    @classmethod
    def from_json(cls, data: Any) -> Taxonomy:
        if not isinstance(data, dict) or not isinstance(data.get("topics"), dict) or not data["topics"]:
            raise BadInput('a taxonomy is {"name": ..., "topics": {"topic": {"keywords": [...], "examples": [...]}}}')
        keywords: dict[str, list[str]] = {}
        examples: dict[str, list[str]] = {}
        for topic, spec in data["topics"].items():
            spec = spec if isinstance(spec, dict) else {}
            keywords[str(topic)] = [str(k) for k in spec.get("keywords", []) if str(k).strip()]
            examples[str(topic)] = [str(e) for e in spec.get("examples", []) if str(e).strip()]
            if not keywords[str(topic)] and not examples[str(topic)]:
                raise BadInput(f"topic {topic!r} needs at least one keyword or example")
        return cls(str(data.get("name", "custom")), keywords, examples)

    @classmethod
    def load(cls, name_or_path: str) -> Taxonomy:
        """A shipped taxonomy by name ("airline", "software-retail", "general" = both) or a JSON file."""
        if name_or_path == "general":
            return merge([cls.load(name) for name in SHIPPED], "general")
        path = TAXONOMY_DIR / f"{name_or_path}.json" if name_or_path in SHIPPED else Path(name_or_path)
        try:
            return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise BadInput(f"cannot read taxonomy {name_or_path}: {exc}") from exc


def merge(parts: Sequence[Taxonomy], name: str) -> Taxonomy:
    keywords: dict[str, list[str]] = {}
    examples: dict[str, list[str]] = {}
    for part in parts:
        for topic in part.topics:
            keywords.setdefault(topic, []).extend(part.keywords[topic])
            examples.setdefault(topic, []).extend(part.examples[topic])
    return Taxonomy(name, keywords, examples)


def _phrases(words: list[str]) -> list[str]:
    return sorted({model_text(w).strip() for w in words if model_text(w).strip()})


@dataclass
class KeywordIndex:
    """One regex over every topic's keyword phrases; a match names the topics that listed the phrase."""

    pattern: re.Pattern[str] | None
    topics_of: dict[str, list[int]]

    @classmethod
    def build(cls, taxonomy: Taxonomy) -> KeywordIndex:
        topics_of: dict[str, list[int]] = {}
        for col, topic in enumerate(taxonomy.topics):
            for phrase in _phrases(taxonomy.keywords[topic]):
                topics_of.setdefault(phrase, []).append(col)
        if not topics_of:
            return cls(None, {})
        alternatives = "|".join(re.escape(p) for p in sorted(topics_of, key=len, reverse=True))
        return cls(re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)"), topics_of)

    def hits(self, low: str, n_topics: int) -> list[int]:
        counts = [0] * n_topics
        if self.pattern is not None:
            for phrase in self.pattern.findall(low):
                for col in self.topics_of.get(phrase, ()):
                    counts[col] += 1
        return counts


@dataclass
class TopicModel:
    """Centroids (topics x dim) and keyword patterns of one taxonomy."""

    taxonomy: Taxonomy
    centroids: np.ndarray
    keywords: KeywordIndex

    @classmethod
    def train(cls, taxonomy: Taxonomy, emb: StaticEmbeddings) -> TopicModel:
        rows = []
        for topic in taxonomy.topics:
            vecs = emb.embed(taxonomy.examples[topic] + taxonomy.keywords[topic])
            centroid = vecs.mean(axis=0)
            rows.append(centroid / max(float(np.linalg.norm(centroid)), 1e-9))
        return cls(taxonomy, np.asarray(rows, dtype=np.float32), KeywordIndex.build(taxonomy))

    def scores(self, lows: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        """Topic scores (posts x topics) of `model_text` texts: cosine similarity plus a bonus per keyword hit
        (at most two per topic)."""
        sims = np.asarray(vectors @ self.centroids.T, dtype=np.float32)
        n_topics = len(self.taxonomy.topics)
        for row, low in enumerate(lows):
            for col, hits in enumerate(self.keywords.hits(low, n_topics)):
                if hits:
                    sims[row, col] += KEYWORD_BONUS * min(hits, 2)
        return sims

    def predict(
        self, texts: Sequence[str], vectors: np.ndarray, lows: Sequence[str] | None = None
    ) -> list[tuple[str | None, float]]:
        """(topic or None, score) for each post; `lows` are the texts' `model_text` when already computed."""
        if not self.taxonomy.topics:
            return [(None, 0.0)] * len(texts)
        scores = self.scores(lows if lows is not None else [model_text(t) for t in texts], vectors)
        best = scores.argmax(axis=1)
        out: list[tuple[str | None, float]] = []
        for row, col in enumerate(best):
            score = float(scores[row, col])
            out.append((self.taxonomy.topics[col], score) if score >= MIN_SIMILARITY else (None, score))
        return out

    def save(self, stem: Path) -> None:
        np.savez_compressed(stem.with_suffix(".npz"), centroids=self.centroids.astype(np.float32))
        doc = {"name": self.taxonomy.name, "keywords": self.taxonomy.keywords, "examples": self.taxonomy.examples}
        stem.with_suffix(".json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, stem: Path) -> TopicModel:
        doc = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
        taxonomy = Taxonomy(doc["name"], doc["keywords"], doc["examples"])
        with np.load(stem.with_suffix(".npz"), allow_pickle=False) as arrays:
            centroids = arrays["centroids"].astype(np.float32)
        return cls(taxonomy, centroids, KeywordIndex.build(taxonomy))
