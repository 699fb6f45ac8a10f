"""understand: fill each post's judgement fields (complaint, intents, sentiment, topic, language, urgency).

The models load once (when the stage is built) and judge the whole batch in one call. A brand's own post keeps
its language and topic, which help the inbox, but no complaint probability, intents, sentiment or urgency: those are
about customers, and an apology ("sorry to hear this, can you DM us?") reads like a complaint and a question to
the models, which the thread would show as if the brand had complained. The time a post has waited is measured
from its creation to the batch's `ctx.now`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from heard.pipeline.ports import BrandPosts
from heard.pipeline.stage import StageContext
from heard.posts import Post
from heard.understanding.judge import PostFacts, Understander


def answering_brand(posts: Sequence[Post], stored: BrandPosts | None = None) -> set[str]:
    """The keys of the batch's posts that reply to one of the brand's own posts: a parent in the batch itself,
    else one `stored` knows (asked once, only for the parents the batch does not hold)."""
    brand = {(p.raw.network, p.raw.external_id) for p in posts if p.is_brand}
    replies = {p.key: (p.raw.network, parent) for p in posts if (parent := p.raw.in_reply_to) and not p.is_brand}
    missing = set(replies.values()) - brand
    if missing and stored is not None:
        brand |= stored(missing)
    return {key for key, parent in replies.items() if parent in brand}


#: Words of care-account handles that are not the brand's name ("AmazonHelp" -> "amazon").
_CARE_WORDS = re.compile(
    r"(support|help|care|cares|ask|assist|custserv|service|team|official|news|hq|uk|us)", re.IGNORECASE
)
_HANDLE = re.compile(r"@(\w{3,30})")


def brand_words(posts: Sequence[Post]) -> frozenset[str]:
    """The brand's names as people write them without an @, from what the batch shows of it: the handles of the
    brand's own posts and the care accounts customers address ("@AmazonHelp", "@AskPlayStation" -> "amazon",
    "playstation"). A name shorter than four letters is left out: "us" or "ba" would match everything."""
    handles = {p.raw.author_handle for p in posts if p.is_brand}
    handles |= {h for p in posts if not p.is_brand for h in _HANDLE.findall(p.text[:500]) if _CARE_WORDS.search(h)}
    names = {_CARE_WORDS.sub("", h).strip("_").lower() for h in handles}
    return frozenset(n for n in names if len(n) >= 4 and n.isalpha())


@lru_cache(maxsize=64)
def _naming(words: frozenset[str]) -> re.Pattern[str]:
    """One pattern for all the brand's names: a batch names dozens of brands, and one search per name and post
    was a tenth of the stage."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))
    return re.compile(rf"(?<![\w@#])(?:{alternatives})\b")


def _names(text: str, words: frozenset[str]) -> bool:
    if not words:
        return False
    lowered = _HANDLE.sub(" ", text[:2000].lower())
    return _naming(words).search(lowered) is not None


def _facts(post: Post, ctx: StageContext, answers_brand: bool, names: frozenset[str] = frozenset()) -> PostFacts:
    waited = (ctx.now - post.created_at).total_seconds() / 60.0
    return PostFacts(
        followers=post.raw.author_followers,
        public=post.raw.is_public,
        waited_minutes=max(0.0, waited),
        language=post.language,
        answers_brand=answers_brand,
        names_brand=not post.is_brand and _names(post.text, names),
    )


class Understand:
    """The pipeline stage; `understander` defaults to the committed models. A reply's parent is looked for in
    the batch, then through the batch's `brand_posts` port."""

    name = "understand"

    def __init__(self, understander: Understander | None = None) -> None:
        self._understander = understander or Understander.default()

    def __call__(self, posts: list[Post], ctx: StageContext) -> list[Post]:
        answering = answering_brand(posts, ctx.ports.brand_posts)
        names = brand_words(posts)
        facts = [_facts(p, ctx, p.key in answering, names) for p in posts]
        judgements = self._understander.judge([p.text for p in posts], facts)
        for post, judged in zip(posts, judgements, strict=True):
            post.complaint = judged.complaint
            post.intents = judged.intents
            post.sentiment = judged.sentiment
            post.sentiment_score = judged.sentiment_score
            post.topic = judged.topic
            post.language = judged.language
            post.urgency = judged.urgency
            post.urgency_reasons = tuple(judged.urgency_reasons)
            if post.is_brand:
                # The brand's own words are not customer sentiment: "We're sorry to hear this was your
                # experience" would show as -0.74 in the thread.
                post.complaint, post.intents, post.urgency, post.urgency_reasons = None, (), None, ()
                post.sentiment, post.sentiment_score = None, None
            elif not judged.judged:
                # A language the models were not trained for: "not judged (es)", not a confident English guess.
                post.complaint, post.sentiment, post.sentiment_score = None, None, None
            post.extra["judgement"] = {
                "is_complaint": judged.is_complaint and not post.is_brand and judged.judged,
                "not_judged": None if judged.judged else judged.language,
                "sentiment_probs": judged.sentiment_probs,
                "topic_score": judged.topic_score,
                "language_confidence": judged.language_confidence,
            }
        return posts
