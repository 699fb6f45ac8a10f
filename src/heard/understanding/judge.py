"""Every judgement of a batch of posts at once: the one entry point the pipeline, the CLI and the bench use.

Texts are tokenised once and embedded once; each model reads the same tokens. A text with nothing to read
(empty, only whitespace or control characters) gets a clear "unknown" sentiment and language instead of a
guess, and never an exception.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from scipy import sparse

from heard.understanding import language, stacking
from heard.understanding.classifier import LinearClassifier
from heard.understanding.embeddings import WEIGHTS_DIR, StaticEmbeddings
from heard.understanding.intents import intents
from heard.understanding.lexicon import SharedLexicon
from heard.understanding.text import model_text, split_model_text
from heard.understanding.topics import Taxonomy, TopicModel
from heard.understanding.urgency import UrgencyInput, urgency
from heard.understanding.vectorize import grams_of

UNKNOWN = "unknown"
#: Languages the complaint and sentiment models were trained on (English tweets); "und" is text too short to tell,
#: judged as English. A post detected as another language with at least NOT_JUDGED_CONFIDENCE is not judged.
JUDGED_LANGUAGES = frozenset({"en", language.UNKNOWN})
NOT_JUDGED_CONFIDENCE = 0.6


@dataclass(frozen=True, slots=True)
class PostFacts:
    """What urgency needs to know about a post besides its text; all optional."""

    followers: int | None = None
    public: bool = True
    waited_minutes: float | None = None
    language: str | None = None
    #: The post replies to one of the brand's own posts. With a private message (to the brand's account), it is
    #: addressed to the brand even when its text names no account: on X such a reply opens with the brand's
    #: handle, on Bluesky, Reddit, YouTube, Facebook and LinkedIn it does not (see `addressed_tokens`).
    answers_brand: bool = False
    #: The post names the brand in words ("I'm so done with Amazon"), without an @: addressed to it all the same.
    names_brand: bool = False


def addressed_tokens(toks: Sequence[list[str]], facts: Sequence[PostFacts]) -> list[list[str]]:
    """The tokens the complaint model's shape and cues read: a post addressed to the brand by where it was
    posted (a reply to the brand's post, a private message) that names no account reads as if it opened with
    a handle, as the same reply on X would. Only for the shape and the cues: the n-grams, the embedding and the
    other judgements read the text as it is. Being any reply is not enough: on 4,240 Reddit posts that raised
    the share judged complaints from 17.5 % to 26.3 %, all of them ordinary comments (docs/understanding.md)."""
    return [
        ["<user>", *t] if t and (f.answers_brand or f.names_brand or not f.public) and "<user>" not in t else t
        for t, f in zip(toks, facts, strict=True)
    ]


@dataclass
class Judgement:
    """Everything Heard concluded about one post."""

    complaint: float
    is_complaint: bool
    intents: tuple[str, ...]
    sentiment: str
    sentiment_score: float
    sentiment_probs: dict[str, float]
    topic: str | None
    topic_score: float
    language: str
    language_confidence: float
    urgency: int
    urgency_reasons: list[str] = field(default_factory=list)
    #: False for a post in a language the models were not trained on (`JUDGED_LANGUAGES`): its complaint and
    #: sentiment are then neutral placeholders, not judgements, and the pipeline stores none.
    judged: bool = True

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Understander:
    """The loaded models. Build once per process (`Understander.default()`), then call `judge` per batch."""

    embeddings: StaticEmbeddings
    complaint: LinearClassifier
    sentiment: LinearClassifier
    topics: TopicModel
    #: One n-gram lookup for both linear models when they cut the same n-grams (the shipped ones do); a model
    #: retrained with another `GramSpec` gets a lookup of its own.
    lexicons: list[SharedLexicon] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        vocabs = [self.sentiment.vocab, self.complaint.vocab]
        shared = vocabs[0].spec == vocabs[1].spec
        self.lexicons = [SharedLexicon(vocabs)] if shared else [SharedLexicon([v]) for v in vocabs]

    @classmethod
    def load(cls, weights: Path = WEIGHTS_DIR, taxonomy: str = "general") -> Understander:
        emb = StaticEmbeddings.load(weights / "embeddings")
        return cls(
            emb,
            LinearClassifier.load(weights / "complaint"),
            LinearClassifier.load(weights / "sentiment"),
            TopicModel.train(Taxonomy.load(taxonomy), emb),
        )

    @classmethod
    def default(cls) -> Understander:
        return _default()

    def judge(self, texts: Sequence[str], facts: Sequence[PostFacts] | None = None) -> list[Judgement]:
        facts = facts if facts is not None else [PostFacts()] * len(texts)
        lows = [model_text(t) for t in texts]
        toks = [split_model_text(low) for low in lows]
        dense = self.embeddings.embed_tokens(toks)
        rows = self._tfidf_rows(toks)
        sentiment = self.sentiment.proba_of_rows(rows[0], stacking.sentiment_dense(dense, texts, toks, self.sentiment))
        complaint_dense = stacking.complaint_dense(
            dense, texts, addressed_tokens(toks, facts), lambda: sentiment, self.complaint
        )
        complaint = self.complaint.proba_of_rows(rows[1], complaint_dense)[:, 1]
        topics = self.topics.predict(texts, dense, lows)
        # Python floats for the per-post work: rounding and comparing numpy scalars one by one costs more.
        p_complaint, probs, best = complaint.tolist(), sentiment.tolist(), sentiment.argmax(axis=1).tolist()
        return [
            self._one(texts[i], lows[i], toks[i], p_complaint[i], probs[i], best[i], topics[i], facts[i])
            for i in range(len(texts))
        ]

    def _tfidf_rows(self, toks: list[list[str]]) -> list[sparse.csr_matrix]:
        """The sentiment model's rows, then the complaint model's."""
        rows: list[sparse.csr_matrix] = []
        for lexicon in self.lexicons:
            counted = lexicon.count(grams_of(toks, lexicon.spec))
            rows.extend(lexicon.rows(which, counted) for which in range(len(lexicon.vocabs)))
        return rows

    def _one(
        self,
        text: str,
        low: str,
        toks: list[str],
        p_complaint: float,
        probs: list[float],
        best: int,
        topic: tuple[str | None, float],
        fact: PostFacts,
    ) -> Judgement:
        lang, lang_conf = (fact.language, 1.0) if fact.language else language.detect(text)
        if not toks:
            return Judgement(0.0, False, ("other",), UNKNOWN, 0.0, {}, None, 0.0, lang, lang_conf, 0, [])
        if lang not in JUDGED_LANGUAGES and lang_conf >= NOT_JUDGED_CONFIDENCE:
            score, reasons = urgency(UrgencyInput(text, 0.0, 0.0, fact.followers, fact.public, fact.waited_minutes))
            return Judgement(
                0.0,
                False,
                ("other",),
                UNKNOWN,
                0.0,
                {},
                topic[0],
                round(topic[1], 4),
                lang,
                round(lang_conf, 4),
                score,
                [*reasons, f"not judged ({lang})"],
                judged=False,
            )
        names = self.sentiment.classes
        sent = dict(zip(names, (round(p, 4) for p in probs), strict=True))
        neg, pos = sent.get("negative", 0.0), sent.get("positive", 0.0)
        is_complaint = p_complaint >= self.complaint.threshold
        score, reasons = urgency(UrgencyInput(text, p_complaint, neg, fact.followers, fact.public, fact.waited_minutes))
        return Judgement(
            complaint=round(p_complaint, 4),
            is_complaint=is_complaint,
            intents=intents(low, is_complaint, pos, neg),
            sentiment=names[best],
            sentiment_score=round(pos - neg, 4),
            sentiment_probs=sent,
            topic=topic[0],
            topic_score=round(topic[1], 4),
            language=lang,
            language_confidence=round(lang_conf, 4),
            urgency=score,
            urgency_reasons=reasons,
        )


@cache
def _default() -> Understander:
    return Understander.load()
