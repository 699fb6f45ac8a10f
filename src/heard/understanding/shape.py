"""A post's shape: the counts that its TF-IDF rows and its mean word vector cannot carry.

Each TF-IDF block is L2-normalised and the embedding is a unit-length mean, so a 5-word tweet and a 50-word
one, one handle and five, one "!" and four, all look alike to the complaint model. Those counts say something
about complaints (a complaint is a longer message addressed to one account, not a reply in a thread of
handles), and a linear model can only use them as features of their own. All are read from the tokens, so
they cost a few microseconds a post; each is divided by a typical count so it sits on the scale of the
other dense features.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

#: How many shape features `shape_features` returns per post.
SHAPE_DIM = 8


def shape_features(docs: Sequence[list[str]]) -> np.ndarray:
    """Per token list: log length, links, handles, hashtags, numbers, "!" runs, "?" runs, starts with a handle."""
    out = np.zeros((len(docs), SHAPE_DIM), np.float32)
    for row, toks in enumerate(docs):
        if not toks:
            continue
        hashtags = sum(1 for t in toks if t[0] == "#" and len(t) > 1)
        bangs = sum(1 for t in toks if "!" in t)
        questions = sum(1 for t in toks if "?" in t)
        out[row] = (
            math.log1p(len(toks)) / 3.0,
            toks.count("<url>") / 2.0,
            toks.count("<user>") / 3.0,
            hashtags / 3.0,
            toks.count("<num>") / 3.0,
            bangs / 3.0,
            questions / 3.0,
            1.0 if toks[0] == "<user>" else 0.0,
        )
    return out
