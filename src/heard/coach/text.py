"""Text the rules share: the draft split into words once, content words, and shingles for near-copy checks."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from heard.coach.review import MAX_REVIEW_CHARS

WORD = re.compile(r"[a-z0-9][a-z0-9'’]*", re.IGNORECASE)
URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)
MENTION = re.compile(r"@\w{1,64}")
NUMBER = re.compile(r"\d+")

_STOPWORDS_TEXT = """
    a about above after again against all am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here
    hers him his how i if in into is it its itself just me more most my no nor not now of off on once only or
    other our ours out over own same she should so some such than that the their theirs them then there these they
    this those through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yet im i'm it's dont don't can't cant get got us let know one also really like
    hi hey hello thanks thank please would still even ever much many way going go today now day just"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def clean(text: str) -> str:
    """The draft as the coach reads it: NFC, no control characters, at most MAX_REVIEW_CHARS."""
    text = unicodedata.normalize("NFC", text[: MAX_REVIEW_CHARS * 2])[:MAX_REVIEW_CHARS]
    return "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in text)


@dataclass(frozen=True, slots=True)
class Draft:
    """A draft read once: its text, the lower-cased text and its words, shared by every rule."""

    text: str
    lower: str
    words: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> Draft:
        text = clean(text)
        lower = text.lower()
        return cls(text, lower, tuple(m.group(0).replace("’", "'") for m in WORD.finditer(lower)))

    def search(self, pattern: re.Pattern[str]) -> tuple[int, int] | None:
        match = pattern.search(self.lower)
        return match.span() if match else None


def content_words(text: str) -> frozenset[str]:
    """Words that say what a post is about (stemmed): not stop words, not a mention, not one or two letters."""
    return frozenset(_stem(w) for w in surface_words(text))


def surface_words(text: str) -> list[str]:
    """The content words as written, in order, without repeats."""
    text = MENTION.sub(" ", URL.sub(" ", text.lower()))
    words = (m.group(0).replace("’", "'") for m in WORD.finditer(text))
    return list(dict.fromkeys(w for w in words if len(w) > 2 and w not in STOPWORDS))


#: Words people use for the same thing: a reply about "your luggage" speaks to a post about "my bag".
_KIN_TEXT = """
    bag baggage luggage suitcase case carry-on checked|flight plane trip journey aircraft|delay delayed late wait
    waiting hold|cancel cancelled cancellation|refund money charge charged fee payment card|app login log logout
    sign password account|seat upgrade class|crew staff agent attendant pilot|order package parcel delivery
    deliver courier shipping|connection connect missed transfer|wifi internet signal|booking reservation ticket"""
_KIN: dict[str, int] = {w: i for i, group in enumerate(_KIN_TEXT.split("|")) for w in group.split()}


def _kin(stems: frozenset[str]) -> set[int]:
    return {_KIN[w] for w in stems if w in _KIN} | {_KIN[w + "s"] for w in stems if w + "s" in _KIN}


def shares_topic(mine: frozenset[str], theirs: frozenset[str]) -> bool:
    """True when a stem is shared, one starts the other ("log" and "logout", "refund" and "refundable"), or both
    use words for the same thing ("luggage" and "bag")."""
    if mine & theirs or _kin(mine) & _kin(theirs):
        return True
    return any(a.startswith(b) or b.startswith(a) for a in mine if len(a) > 2 for b in theirs if len(b) > 2)


def _stem(word: str) -> str:
    # A crude plural/tense fold is enough to see that "bags" answers "bag"; a real stemmer is not worth the import.
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            word = word[: -len(suffix)]
            return word[:-1] if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiousl" else word
    return word


@lru_cache(maxsize=4096)
def shingles(text: str, size: int = 3) -> frozenset[int]:
    """Word n-gram hashes of a reply with names, handles, links and numbers masked, so two replies that differ only
    in the customer's name still look the same."""
    text = NUMBER.sub("0", MENTION.sub("@", URL.sub("url", text.lower())))
    words = [m.group(0) for m in WORD.finditer(text)]
    if len(words) < size:
        return frozenset({hash(tuple(words))}) if words else frozenset()
    return frozenset(hash(tuple(words[i : i + size])) for i in range(len(words) - size + 1))


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


#: Words nearly every English reply has; a draft of some length with none of them is in another language.
_ENGLISH_MARKERS = frozenset(
    (
        "the",
        "and",
        "to",
        "you",
        "we",
        "your",
        "for",
        "is",
        "are",
        "of",
        "a",
        "in",
        "it",
        "on",
        "this",
        "that",
        "with",
        "be",
        "have",
        "sorry",
        "thanks",
        "thank",
        "hi",
        "please",
        "i",
        "our",
        "us",
        "my",
        "can",
        "will",
        "not",
        "you're",
        "we're",
        "i'm",
        "it's",
        "hello",
        "hey",
        "at",
        "or",
        "no",
        "all",
        "so",
        "from",
        "what",
        "which",
        "as",
        "an",
        "by",
        "if",
        "do",
        "don't",
        "there",
        "here",
        "they",
        "them",
    )
)


def looks_english(words: tuple[str, ...]) -> bool:
    if len(words) < 8:
        return True  # too short to tell; a short draft is judged as English
    hits = sum(w in _ENGLISH_MARKERS for w in words[:200])
    return hits / min(len(words), 200) >= 0.1
