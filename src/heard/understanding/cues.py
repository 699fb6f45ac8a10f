"""Who a post speaks to, in whose voice, and how its tone meets its address: cues for the complaint model.

A complaint is a post that sounds unhappy *and* is addressed to a company: "@acme my order never came" is
one, "my team lost again" and "@bob that's awful" are not. The complaint model is linear, so it adds up
evidence and cannot ask for the two together; what it gets here are products of the sentiment model's
probabilities with whether the post names an account, opens with one, or names a customer-care account
("@AcmeSupport", "@AskAcme"). Beside them, counts the TF-IDF rows normalise away: first-person words ("my
order"), second-person ones ("your app"), negations, shouted words and elongations. The handles' own text
is read from the raw post, because the tokens fold every handle into `<user>` so that no model learns a
customer's name; only whether a handle looks like a care account (or like a generated one, with two digits
in a row) is kept.

Measured with `heard eval complaints ../shared/data/complaints/complaints-dev.csv --cv 5 --repeats 5`
(docs/understanding.md): the cues raised macro-F1 on every one of the five splits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from heard.understanding.text import MAX_MODEL_CHARS

#: How many cue features `cue_features` returns per post.
CUES_DIM = 16

_HANDLE = re.compile(r"@(\w+)")
#: Words in the handles of customer-care accounts (from the 76 brand handles in the twcs sample:
#: AppleSupport, AskPlayStation, VirginTrains' care handles, hm_custserv, ...).
_CARE = re.compile(r"support|help|care|ask|custserv|service")
_TWO_DIGITS = re.compile(r"\d\d")
_SHOUTED = re.compile(r"[A-Z]{2,}")
_ELONGATED = re.compile(r"([A-Za-z])\1\1")

_FIRST_PERSON = frozenset({"i", "my", "me", "i'm", "im", "i've", "mine"})
_SECOND_PERSON = frozenset({"you", "your", "you're", "ur", "yall"})
_NEGATIONS = frozenset(
    {"not", "no", "never", "can't", "cant", "won't", "didn't", "don't", "doesn't", "isn't", "wasn't", "haven't"}
    | {"hasn't", "nothing"}
)
_NO_VOICE = (0.0,) * 7


def cue_features(texts: Sequence[str], docs: Sequence[list[str]], sentiment_probs: np.ndarray) -> np.ndarray:
    """Per post (raw text, its tokens, its sentiment probabilities in the sentiment model's class order):
    names a care account, names a handle with two digits in a row, first-person words / 3, second-person
    words / 3, negations / 3, runs of capitals (shouting) / 3, letters said three times or more / 2; then the
    three sentiment probabilities times each of: names any account, opens with one, names a care account."""
    n = len(texts)
    # Plain lists, filled per post and turned into one array at the end: writing numpy rows one at a time
    # costs more than the cues themselves.
    voice: list[tuple[float, ...]] = []
    address: list[tuple[float, float, float]] = []
    first_person, second_person, negation = (
        _FIRST_PERSON.__contains__,
        _SECOND_PERSON.__contains__,
        _NEGATIONS.__contains__,
    )
    for text, toks in zip(texts, docs, strict=True):
        if not toks:
            voice.append(_NO_VOICE)
            address.append((0.0, 0.0, 0.0))
            continue
        text = text[:MAX_MODEL_CHARS]
        handles = _HANDLE.findall(text) if "@" in text else []
        care = 1.0 if any(_CARE.search(h.lower()) for h in handles) else 0.0
        voice.append(
            (
                care,
                1.0 if any(_TWO_DIGITS.search(h) for h in handles) else 0.0,
                sum(map(first_person, toks)) / 3.0,
                sum(map(second_person, toks)) / 3.0,
                sum(map(negation, toks)) / 3.0,
                len(_SHOUTED.findall(text)) / 3.0,
                len(_ELONGATED.findall(text)) / 2.0,
            )
        )
        address.append((1.0 if "<user>" in toks else 0.0, 1.0 if toks[0] == "<user>" else 0.0, care))
    probs = np.asarray(sentiment_probs, np.float32).reshape(n, -1)
    addressed = np.array(address, np.float32).reshape(n, 3)
    crossed = (probs[:, :, None] * addressed[:, None, :]).reshape(n, -1)
    out: np.ndarray = np.hstack([np.array(voice, np.float32).reshape(n, 7), crossed]).astype(np.float32)
    return out
