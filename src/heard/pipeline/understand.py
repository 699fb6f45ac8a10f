"""understand: fill each post's judgement fields (complaint, intents, sentiment, topic, language, urgency).

The models load once (when the stage is built) and judge the whole batch in one call. Brand posts are
judged too (a brand's own reply is not a complaint, but its language and tone still help the inbox); the
time a post has waited is measured from its creation to the batch's `ctx.now`.
"""

from __future__ import annotations

from heard.pipeline.stage import StageContext
from heard.posts import Post
from heard.understanding.judge import PostFacts, Understander


def _facts(post: Post, ctx: StageContext) -> PostFacts:
    waited = (ctx.now - post.created_at).total_seconds() / 60.0
    return PostFacts(
        followers=post.raw.author_followers,
        public=post.raw.is_public,
        waited_minutes=max(0.0, waited),
        language=post.language,
    )


class Understand:
    """The pipeline stage; `understander` defaults to the committed models."""

    name = "understand"

    def __init__(self, understander: Understander | None = None) -> None:
        self._understander = understander or Understander.default()

    def __call__(self, posts: list[Post], ctx: StageContext) -> list[Post]:
        judgements = self._understander.judge([p.text for p in posts], [_facts(p, ctx) for p in posts])
        for post, judged in zip(posts, judgements, strict=True):
            post.complaint = judged.complaint
            post.intents = judged.intents
            post.sentiment = judged.sentiment
            post.sentiment_score = judged.sentiment_score
            post.topic = judged.topic
            post.language = judged.language
            post.urgency = judged.urgency
            post.urgency_reasons = tuple(judged.urgency_reasons)
            post.extra["judgement"] = {
                "is_complaint": judged.is_complaint,
                "sentiment_probs": judged.sentiment_probs,
                "topic_score": judged.topic_score,
                "language_confidence": judged.language_confidence,
            }
        return posts
