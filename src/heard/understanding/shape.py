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
import re
from collections.abc import Sequence

import numpy as np

#: How many shape features `shape_features` returns per post.
SHAPE_DIM = 8
_EMPTY = (0.0,) * SHAPE_DIM
_HASHTAG = re.compile(r"#\w")
_BANG = re.compile(r"[!?]*![!?]*")
_QUESTION = re.compile(r"[!?]*\?[!?]*")


def shape_features(docs: Sequence[list[str]]) -> np.ndarray:
    """Per token list: log length, links, handles, hashtags, numbers, "!" runs, "?" runs, starts with a handle."""
    # Counted on the tokens joined by spaces, with str.count and one regex each: the tokenizer puts every "!"
    # and "?" in a run token of its own and every hashtag in a "#word" token, so these equal per-token counts
    # at a fraction of a Python loop's cost (a property test checks it).
    rows: list[tuple[float, ...]] = []
    for toks in docs:
        if not toks:
            rows.append(_EMPTY)
            continue
        joined = " ".join(toks)
        rows.append(
            (
                math.log1p(len(toks)) / 3.0,
                joined.count("<url>") / 2.0,
                joined.count("<user>") / 3.0,
                len(_HASHTAG.findall(joined)) / 3.0,
                joined.count("<num>") / 3.0,
                len(_BANG.findall(joined)) / 3.0,
                len(_QUESTION.findall(joined)) / 3.0,
                1.0 if toks[0] == "<user>" else 0.0,
            )
        )
    return np.array(rows, np.float32).reshape(len(docs), SHAPE_DIM)
