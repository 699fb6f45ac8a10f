"""COACH HOOK: where each follow-up meets the reply coach before it is queued.

The coach (`heard.coach.reviewer.review(draft, context)` and `heard.coach.actions.record_review`) is built on its
own branch; until it is on main this hook reviews nothing and returns None, and the follow-ups are queued
unreviewed. When it lands, this function builds a ReviewContext from the conversation and the article, runs
`review`, records the ReplyReview against the message and returns its score: nothing else changes.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from heard.clock import Clock
from heard.inbox.models import Message
from heard.knowledge.models import Article


def review_followup(session: Session, clock: Clock, message: Message, article: Article, url: str) -> int | None:
    """The coach's score for a queued follow-up, or None while the coach is not installed."""
    return None
