"""Learning the scripted phrases (`heard.coach.phrases`) from real replies and what customers said next.

A logistic model over the 2-3 word phrases a reply contains (present or not, each seen in at least MIN_SUPPORT
labelled replies) predicts an angry answer; the phrases with a positive weight are kept. Folds are drawn by
conversation, so no conversation's replies are both learned from and scored; `out_of_fold` gives each reply the
table learned without its conversation, which is what evaluation and the rule-weight tuning read.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from heard.coach.phrases import PhraseTable, phrase_grams
from heard.lab.coach.outcome import Outcome, outcome
from heard.lab.coach.twacs import Exchange
from heard.lab.understanding import fitting

#: A phrase must appear in this many labelled replies to be learned.
MIN_SUPPORT = 15
#: Inverse L2 strength of the phrase model (chosen by `heard train coach`'s cross-validation: 0.1 to 1 are within
#: noise of each other on TwACS; the smaller keeps fewer, broader phrases).
C = 0.1
#: At most this many phrases ship.
MAX_PHRASES = 600


#: Words of what the coach itself asks for (an apology, a thank-you): a phrase made only of them ("i'm sorry",
#: "thanks for your patience") is never learned as scripted, or the coach would ask for it and flag it at once.
_ASKED_TEXT = """i i'm im am we we're were are so very really truly deeply sincerely sorry apologize apologise
    apologies thanks thank you for your the patience"""
_ASKED = frozenset(_ASKED_TEXT.split())


def _asked_for(gram: str) -> bool:
    """Also a phrase with a number: "0 0" is a masked flight time or version, not wording."""
    return all(w in _ASKED for w in gram.split()) or "0" in gram.split()


def fold_of(exchange: Exchange, folds: int) -> int:
    """The fold of a reply: by its conversation, stable across runs."""
    return zlib.crc32(exchange.conversation.encode()) % folds


def learn(exchanges: Sequence[Exchange], labels: Sequence[Outcome | None], c: float = C) -> PhraseTable:
    """Phrases that make an angry answer more likely, from the labelled replies (labels None are skipped)."""
    texts = [ex.reply for ex, label in zip(exchanges, labels, strict=True) if label is not None]
    angry = np.array([label == "angry" for label in labels if label is not None], dtype=np.int64)
    if len(texts) < 2 * MIN_SUPPORT or angry.min() == angry.max():
        return PhraseTable({})
    grams = [set(phrase_grams(t)) for t in texts]
    df = Counter(g for row in grams for g in row)
    vocab = {g: i for i, g in enumerate(sorted(g for g, n in df.items() if n >= MIN_SUPPORT and not _asked_for(g)))}
    rows = [i for i, row in enumerate(grams) for g in row if g in vocab]
    cols = [vocab[g] for row in grams for g in row if g in vocab]
    x = sparse.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(texts), len(vocab)))
    weights = fitting.balanced_weights(angry, 2)
    fitted = fitting.fit(x, angry, 2, c=c, sample_weight=weights, max_iter=300)
    coef = fitted.weights[:, 1] - fitted.weights[:, 0]
    names = sorted(vocab, key=vocab.__getitem__)
    kept = sorted(((names[i], float(coef[i])) for i in np.flatnonzero(np.abs(coef) > 0.05)), key=lambda kv: -abs(kv[1]))
    return PhraseTable({g: round(w, 4) for g, w in kept[:MAX_PHRASES]})


def labels_of(exchanges: Sequence[Exchange]) -> list[Outcome | None]:
    return [outcome(ex.next_turn) for ex in exchanges]


def out_of_fold(exchanges: Sequence[Exchange], labels: Sequence[Outcome | None], folds: int = 5) -> list[PhraseTable]:
    """For each reply, the table learned on the other folds' conversations."""
    fold = [fold_of(ex, folds) for ex in exchanges]
    tables = []
    for k in range(folds):
        train = [i for i, f in enumerate(fold) if f != k]
        tables.append(learn([exchanges[i] for i in train], [labels[i] for i in train]))
    return [tables[f] for f in fold]
