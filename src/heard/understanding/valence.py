"""How positive or negative a post's words are by a human-rated lexicon: a few dense features for the sentiment
model beside its n-grams.

The lexicon is VADER's (7,500 words, emoticons and slang rated -4..+4 by ten people each; MIT, shipped inside the
`vaderSentiment` wheel we already depend on), with each emoji rated by the words of its name. The n-grams learn
only the words the 60k training tweets have; the lexicon knows rarer ones ("feckin'", "atrocious"), and the sums
below carry what a bag of n-grams cannot: a word's sign flipped by a negation up to three words before it, and
what follows a "but". Five more features read the raw text, which the tokens have lower-cased and split:
emoticons, shouted words, "!" and "?". Cross-validated on TweetEval train they added about 1.5 points of macro
recall (docs/decisions/0102-sentiment-valence-features.md). Computing them is a dictionary lookup per token,
a few microseconds a post; VADER's own `polarity_scores` costs about 100 times more.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources

import numpy as np

from heard.understanding.text import MAX_MODEL_CHARS

#: Words that flip the sign of a rated word up to three tokens after them (VADER's own list, plus a few).
_NEGATIONS = frozenset(
    {
        "not", "no", "never", "nothing", "nobody", "none", "nowhere", "neither", "nor", "cannot", "without",
        "aint", "ain't", "cant", "dont", "doesnt", "didnt", "isnt", "wasnt", "werent", "wont", "wouldnt",
        "couldnt", "shouldnt", "havent", "hasnt", "hadnt", "neednt", "darent", "mightnt", "mustnt", "nope",
        "uh-uh", "rarely", "seldom", "despite",
    }
)  # fmt: skip
#: VADER's factor for a negated word: "not good" is mildly negative, not as negative as "bad".
_NEGATED = -0.74
_EMOTICON = re.compile(r"(?<!\w)(?:[:;=8xX][-o^']?[)(\]\[dDpP/\\|*3@$]|</?3|[)(\]\[dD][-o^']?[:;=8])(?!\w)")
_SHOUTED = re.compile(r"\b[A-Z]{3,}\b")
#: Lexicon sums are squashed the way VADER normalises its compound score.
_COMPOUND_ALPHA = 15.0
WIDTH = 16


@cache
def lexicon() -> dict[str, float]:
    """Word (lower-cased; also as a hashtag) -> mean human valence, -4..+4; emoji get the mean valence of the words
    of their name."""
    package = resources.files("vaderSentiment")
    out: dict[str, float] = {}
    for line in package.joinpath("vader_lexicon.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            out[parts[0].lower()] = float(parts[1])
    for line in package.joinpath("emoji_utf8_lexicon.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        rated = [out[w] for w in parts[1].lower().split() if w in out]
        if rated:
            out.setdefault(parts[0], sum(rated) / len(rated))
    # A hashtag reads as its word ("#fail"): listed under both, a post's lookups are one C-level map.
    out.update({f"#{word}": value for word, value in list(out.items()) if word[:1].isalpha()})
    return out


def _negates(tok: str) -> bool:
    return tok in _NEGATIONS or tok.endswith("n't")


def word_features(toks: Sequence[str], rated: dict[str, float]) -> list[float]:
    """Eleven figures from a post's tokens: positive and negative sums and counts, the extremes, the last rated
    word, the squashed balance, what follows a "but", and whether any word was rated at all."""
    # Most tokens are unrated: find the rated ones in one pass, then look around only those.
    hits = [(i, v) for i, v in enumerate(map(rated.get, toks)) if v is not None]
    if not hits:
        return [0.0] * 11
    but_at = toks.index("but") if "but" in toks else len(toks)
    values: list[float] = []
    pos_after_but = neg_after_but = 0.0
    for i, value in hits:
        if any(_negates(prev) for prev in toks[max(0, i - 3) : i]):
            value *= _NEGATED
        values.append(value)
        if i > but_at:
            if value > 0:
                pos_after_but += value
            else:
                neg_after_but -= value
    positive = [v for v in values if v > 0]
    negative = [v for v in values if v < 0]
    pos, neg = sum(positive), -sum(negative)
    balance = pos - neg
    return [
        math.log1p(pos),
        math.log1p(neg),
        math.log1p(len(positive)),
        math.log1p(len(negative)),
        max(values) / 4,
        min(values) / 4,
        values[-1] / 4,
        balance / math.sqrt(balance * balance + _COMPOUND_ALPHA),
        math.log1p(pos_after_but),
        math.log1p(neg_after_but),
        1.0,
    ]


def text_features(text: str, rated: dict[str, float]) -> list[float]:
    """Five figures from the raw text: positive and negative emoticons, shouted words, '!' and '?'."""
    text = text[:MAX_MODEL_CHARS]
    faces = [rated.get(face.lower(), rated.get(face, 0.0)) for face in _EMOTICON.findall(text)]
    return [
        math.log1p(sum(v for v in faces if v > 0)),
        math.log1p(-sum(v for v in faces if v < 0)),
        math.log1p(len(_SHOUTED.findall(text))),
        math.log1p(text.count("!")),
        math.log1p(text.count("?")),
    ]


def valence_features(texts: Sequence[str], docs: Sequence[Sequence[str]]) -> np.ndarray:
    """`WIDTH` dense features per post (texts and their tokens from `heard.understanding.text.tokens`)."""
    rated = lexicon()
    rows = [word_features(toks, rated) + text_features(text, rated) for text, toks in zip(texts, docs, strict=True)]
    if not rows:
        return np.zeros((0, WIDTH), np.float32)
    return np.asarray(rows, dtype=np.float32)
