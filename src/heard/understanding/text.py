"""Turning a post's text into the tokens and n-grams the models read.

One pass over the text gives everything: lower-cased word tokens (links, handles and numbers folded into
placeholders so that no model learns a customer's handle), word bigrams, and character n-grams inside
words (they carry misspellings, elongations like "sooooo" and emoji). Hostile text is cut to a bound first
so that a 100 KB post costs no more than a long tweet.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

#: Models read at most this much of a post: the judgement of a complaint is in its first lines, and this
#: bounds the cost of hostile input.
MAX_MODEL_CHARS = 1_000

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_ELONGATED = re.compile(r"(\w)\1{2,}")
_TOKEN = re.compile(r"<\w+>|#?\w+(?:'\w+)?|[!?]+|[^\w\s]", re.UNICODE)


def model_text(text: str) -> str:
    """The lower-cased text with links, handles and numbers as placeholders, and elongations cut to two."""
    text = text[:MAX_MODEL_CHARS]
    text = _URL.sub(" <url> ", text)
    text = _MENTION.sub(" <user> ", text)
    text = _NUMBER.sub(" <num> ", text)
    text = _ELONGATED.sub(r"\1\1", text)
    return text.lower()


def tokens(text: str) -> list[str]:
    """Word tokens of `model_text(text)`; hashtags keep their '#', punctuation runs are single tokens."""
    return _TOKEN.findall(model_text(text))


def split_model_text(low: str) -> list[str]:
    """Tokens of text already passed through `model_text` (so callers that need both compute it once)."""
    return _TOKEN.findall(low)


@dataclass(frozen=True, slots=True)
class GramSpec:
    """Which n-grams a linear model reads: word unigrams (+ bigrams when word_n >= 2), character n-grams of
    char_min..char_max (none when char_max is 0)."""

    word_n: int = 2
    char_min: int = 2
    char_max: int = 5

    def to_json(self) -> dict[str, int]:
        return {"word_n": self.word_n, "char_min": self.char_min, "char_max": self.char_max}

    @classmethod
    def from_json(cls, data: dict[str, int]) -> GramSpec:
        return cls(int(data["word_n"]), int(data["char_min"]), int(data["char_max"]))


def word_grams(toks: list[str], spec: GramSpec) -> list[str]:
    """Word unigrams and, when asked, bigrams (joined by a space, which no token contains)."""
    if spec.word_n < 2:
        return list(toks)
    return toks + [f"{a} {b}" for a, b in itertools.pairwise(toks)]


def char_grams(toks: list[str], spec: GramSpec) -> list[str]:
    """Character n-grams of each distinct word, padded with '~' so that prefixes and suffixes stand out."""
    out: list[str] = []
    for tok in char_tokens(toks):
        out += token_char_grams(tok, spec)
    return out


def char_tokens(toks: list[str]) -> list[str]:
    """The distinct words whose character n-grams a post has (placeholders such as <url> have none)."""
    return [tok for tok in set(toks) if tok[0] != "<"]


def token_char_grams(tok: str, spec: GramSpec) -> list[str]:
    """One word's character n-grams."""
    lo, hi = spec.char_min, spec.char_max
    if not hi >= lo > 0:
        return []
    word = f"~{tok}~"
    size = len(word)
    return [word[i : i + n] for n in range(lo, min(hi, size) + 1) for i in range(size - n + 1)]
