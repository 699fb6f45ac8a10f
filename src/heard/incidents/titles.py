"""Readable titles and summaries drawn from an incident's own posts: its key phrases and example posts.

A key phrase is a word or two-word phrase that many of the incident's posts use and that is rare in tweets
at large (the shipped IDF), so "lost bag" beats "flight". Example posts are the ones nearest the
incident's centroid: the most typical, not the loudest.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

from heard.incidents import lexical
from heard.radar.pileon import says_me_too

_WORD = r"(?u)\b[^\W\d_]{2,}\b"  # letters only: flight numbers and times are not phrases
#: Beyond sklearn's English list: what is left of contractions once the apostrophe splits them ("wasn't" ->
#: "wasn"), greetings and courtesy, and verbs every support tweet uses. Seen as whole incident titles ("Hello",
#: "Did", "Wasn") in the demo before they were listed.
_TWEET_STOP_LINES = (
    "wasn didn doesn isn aren couldn wouldn shouldn haven hasn hadn won don ain ll ve re im ive dont cant wont",
    "didnt doesnt isnt wasnt hello hi hey hiya thanks thank thx ty pls plz please sir madam dear guys team",
    "did does doing done got get gets getting going gone know need needs want wants just really still said",
    "say says tried try trying let lets ok okay yes yeah today day time way thing things sure able",
)
_TWEET_STOP_WORDS = frozenset(word for line in _TWEET_STOP_LINES for word in line.split())
_ANALYZE = CountVectorizer(
    preprocessor=lexical.clean,
    ngram_range=(1, 2),
    stop_words=sorted(ENGLISH_STOP_WORDS | _TWEET_STOP_WORDS),
    token_pattern=_WORD,
).build_analyzer()
_BIGRAM_BONUS = 1.3
TITLE_LIMIT = 120


@dataclass(frozen=True, slots=True)
class Description:
    """What a person reads first about an incident."""

    title: str
    summary: str
    key_phrases: list[str]
    examples: list[str]


def key_phrases(texts: Sequence[str], limit: int = 5) -> list[str]:
    """Phrases used by many of `texts` and rare elsewhere, best first; bigrams cover their words."""
    if not texts:
        return []
    presence: Counter[str] = Counter()
    for text in texts:
        presence.update(set(_ANALYZE(text if isinstance(text, str) else "")))
    if not presence:
        return []
    candidates = [(p, n) for p, n in presence.items() if n >= 2 or len(texts) == 1]
    if not candidates:
        return []
    rarity = lexical.word_idf([p for p, _ in candidates])
    scored = sorted(
        (
            (n / len(texts) * float(idf) * (_BIGRAM_BONUS if " " in p else 1.0), p)
            for (p, n), idf in zip(candidates, rarity, strict=True)
        ),
        reverse=True,
    )
    chosen: list[str] = []
    for _, phrase in scored:
        words = set(phrase.split())
        if any(words <= set(c.split()) for c in chosen):
            continue
        # Two bigrams sharing a word say the same thing twice ("customer service · worst customer").
        if " " in phrase and any(" " in c and words & set(c.split()) for c in chosen):
            continue
        # A common two-word phrase reads better than the word it contains ("customer service", not "customer").
        inside = [i for i, c in enumerate(chosen) if " " not in c and c in words]
        if inside and presence[phrase] * 2 >= presence[chosen[inside[0]]]:
            chosen[inside[0]] = phrase
            continue
        if inside:
            continue
        chosen.append(phrase)
        if len(chosen) == limit:
            break
    return chosen


def examples(texts: Sequence[str], vectors: np.ndarray, limit: int = 3) -> list[str]:
    """The texts nearest the mean of `vectors` (one row per text), without repeats."""
    if not texts:
        return []
    mean = vectors.mean(axis=0)
    order = np.argsort(-(vectors @ mean), kind="stable")
    picked: list[str] = []
    for index in order:
        text = " ".join(texts[int(index)].split())
        if text and text not in picked:
            picked.append(text)
        if len(picked) == limit:
            break
    return picked


def describe(texts: Sequence[str], vectors: np.ndarray, authors: int | None = None) -> Description:
    """Title, summary, key phrases and example posts for one incident's posts."""
    # "Same here" replies join their complaint's incident (and count in it), but they say that there is a problem,
    # not what it is: the words come from the other posts when there are any.
    told = [i for i, text in enumerate(texts) if not says_me_too(text)]
    if told and len(told) < len(texts):
        texts, vectors = [texts[i] for i in told], vectors[told]
    phrases = key_phrases(texts)
    samples = examples(texts, vectors, limit=_CANDIDATES)
    title = _title(phrases, samples)
    samples = samples[:3]
    # No counts here: the summary is written when the incident is described and would fall behind the header's
    # live post and people counts (the issue saw them disagree).
    summary = f"About {', '.join(phrases[:4])}" if phrases else "Similar complaints"
    if samples:
        summary += f'. For example: "{_cut(_anonymous(samples[0]), 200)}"'
    return Description(title, summary + ".", phrases, samples)


def _title(phrases: Sequence[str], samples: Sequence[str]) -> str:
    # A phrase a reader understands ("keyboard glitches after the iOS 11.2 update"), in a customer's own words:
    # the best clause of the most typical posts that holds a key phrase, without handles or links.
    clause = _clause(phrases, samples)
    if clause:
        return clause
    distinct = _distinct(phrases[:4])[:3]
    # One lone word ("Iphone", "Hold") says less than the incident's most typical post, and a list of one post's
    # words ("Login frustrating, help account and disabled") less than that post.
    if distinct and ((len(samples) != 1 and (len(distinct) > 1 or " " in distinct[0])) or not samples):
        text = " and ".join([", ".join(distinct[:-1]), distinct[-1]]) if len(distinct) > 1 else distinct[0]
        return _cut(text[:1].upper() + text[1:], TITLE_LIMIT)
    if samples:
        whole = _anonymous(samples[0])
        # Its first clause that still says something once tidied: tidying "Thanks so much!" down to "Much!" would
        # say less than the post.
        clauses = [_tidy(c) for c in _CLAUSES.split(whole)]
        said = next((c for c in clauses if len(c.split()) >= 3), whole[:1].upper() + whole[1:])
        return _cut(said, 90) or "Untitled incident"
    return "Untitled incident"


_HANDLE = re.compile(r"(?<!\w)[@＠]\w+")
_LINK = re.compile(r"https?://\S+")
_CLAUSES = re.compile(r"[.!?;\n]+|\s[-–—]\s")
_CLAUSE_WORDS = (3, 12)


def _anonymous(text: str) -> str:
    """A post's words without customers' (or anyone's) handles and links."""
    return " ".join(_LINK.sub(" ", _HANDLE.sub(" ", text)).split())


#: Typical posts whose clauses may make the title.
_CANDIDATES = 8
#: Words that say something is wrong: a clause with one names the problem, not the customer's mood.
_PROBLEM_LINES = (
    "not no never cant can't won't wont doesn't doesnt didn't didnt isn't isnt broken broke error errors down "
    "fail fails failed failing crash crashes crashing issue issues problem problems glitch glitches bug bugs "
    "missing lost late delay delayed delays cancelled canceled charged overcharged refund stuck wrong outage "
    "dead dying drain drains draining slow frozen freezes blurry disconnected unable without fix worst bad poor "
    "terrible",
)
_PROBLEM = frozenset(word for line in _PROBLEM_LINES for word in line.split())
#: Words a title does not start with: fillers, greetings, courtesy and the customer's own voice.
_OPENER_LINES = (
    "and but so also just then well oh omg ugh wow hello hi hey ok okay yes yeah please pls plz thanks thank "
    "dear guys lol",
)
_OPENERS = frozenset(word for line in _OPENER_LINES for word in line.split())
_PERSONAL = frozenset(("i", "i'm", "im", "i've", "ive", "i'll", "my", "me", "we", "we're", "our", "us", "you", "your"))
_COURTESY = re.compile(r"^(ok(ay)?|thanks?( you)?|thank you|hello|hi|hey|sure|great|cool)\b", re.IGNORECASE)


def _words(text: str) -> list[str]:
    return [w.lower().strip(",:;'\"()[]*…") for w in text.split()]


def _clause(phrases: Sequence[str], samples: Sequence[str]) -> str:
    """The best clause: it holds the top key phrase (or, failing that, one of the next two), names a problem,
    and reads as a statement about it rather than a greeting or the customer's own voice."""
    if not phrases:
        return ""
    wanted = [set(p.split()) for p in phrases[:3]]
    best: tuple[float, int, str] | None = None
    for rank, sample in enumerate(samples):
        for clause in _CLAUSES.split(_anonymous(sample)):
            text = _tidy(clause)
            words = _words(text)
            if not (_CLAUSE_WORDS[0] <= len(words) <= _CLAUSE_WORDS[1]) or _COURTESY.match(text):
                continue
            held = [i for i, w in enumerate(wanted) if w <= set(words)]
            if not held:
                continue
            score = 3.0 - held[0] + 0.5 * (len(held) - 1)
            score += 1.5 if _PROBLEM & set(words) else 0.0
            score -= 0.5 * min(2, sum(1 for w in words if w in _PERSONAL))
            score -= 0.15 * rank + (0.5 if clause.rstrip().endswith("?") else 0.0) + (1.0 if len(words) < 4 else 0.0)
            if best is None or (score, -rank) > (best[0], -best[1]):
                best = (score, rank, text)
    return _cut(best[2], 90) if best is not None else ""


def _tidy(clause: str) -> str:
    """A clause as a title: fillers and greetings off its front, shouting in sentence case, first letter up."""
    words = clause.strip(" ,:-–—\"'").split()
    while words and words[0].lower().strip(",.:!?'\"") in _OPENERS:
        words = words[1:]
    text = " ".join(words).strip(" ,:-–—")
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) > 0.6 * len(letters):
        text = text.lower()
    return text[:1].upper() + text[1:]


def _distinct(phrases: Sequence[str]) -> list[str]:
    """Phrases without near repeats ("burrito", "burritos"): a word that starts another kept one is dropped."""
    kept: list[str] = []
    for phrase in phrases:
        if any(phrase[:5] == k[:5] and len(phrase) >= 5 and len(k) >= 5 for k in kept):
            continue
        kept.append(phrase)
    return kept


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
