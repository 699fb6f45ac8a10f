"""Did the reply help? Each answered customer's sentiment just before the brand's first reply against their
last word after it ("unhappy to loyal" is negative before, positive after).

Only conversations in which the customer wrote again after the reply can show a change; the others are
counted as "no word after" rather than guessed. Sentiment is the understanding stage's judgement of each post.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.clock import as_utc
from heard.conversations.models import PostRecord
from heard.reports.responses import Answered

LABELS = ("negative", "neutral", "positive")
#: Conversations read per query, so a long period never builds one huge IN list.
CHUNK = 500


@dataclass(slots=True)
class SentimentShift:
    #: before -> after -> conversations, over the three labels.
    matrix: dict[str, dict[str, int]] = field(default_factory=lambda: {b: dict.fromkeys(LABELS, 0) for b in LABELS})
    no_word_after: int = 0
    #: Mean (after - before) of the signed sentiment score, -2..2 (None: nobody wrote after a reply).
    mean_change: float | None = None

    @property
    def compared(self) -> int:
        return sum(sum(row.values()) for row in self.matrix.values())

    @property
    def unhappy_to_loyal(self) -> int:
        return self.matrix["negative"]["positive"]

    @property
    def turned_around(self) -> int:
        """Negative before, not negative after."""
        return self.matrix["negative"]["neutral"] + self.matrix["negative"]["positive"]

    @property
    def soured(self) -> int:
        """Not negative before, negative after."""
        return self.matrix["neutral"]["negative"] + self.matrix["positive"]["negative"]


def _signed(label: str, score: float | None) -> float:
    """The understanding stage's score is already signed (P(positive) - P(negative)); without one, the label's
    direction stands in."""
    if score is not None:
        return score
    return {"negative": -1.0, "neutral": 0.0, "positive": 1.0}[label]


def sentiment_shift(session: Session, answered: list[Answered]) -> SentimentShift:
    replies: dict[int, datetime] = {a.conversation_id: a.first_reply for a in answered if a.first_reply is not None}
    shift = SentimentShift()
    changes: list[float] = []
    ids = sorted(replies)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        query = (
            select(PostRecord.conversation_id, PostRecord.created_at, PostRecord.sentiment, PostRecord.sentiment_score)
            .where(
                PostRecord.conversation_id.in_(chunk), PostRecord.is_brand.is_(False), PostRecord.sentiment.in_(LABELS)
            )
            .order_by(PostRecord.conversation_id, PostRecord.created_at, PostRecord.id)
        )
        before: dict[int, tuple[str, float | None]] = {}
        after: dict[int, tuple[str, float | None]] = {}
        for cid, created_at, label, score in session.execute(query):
            if cid is None or label is None:  # excluded by the query; says so to the type checker
                continue
            side = before if as_utc(created_at) < replies[cid] else after
            side[cid] = (label, score)  # ordered by time: the last word on each side wins
        for cid in chunk:
            if cid not in before:
                continue
            if cid not in after:
                shift.no_word_after += 1
                continue
            (was, was_score), (now, now_score) = before[cid], after[cid]
            shift.matrix[was][now] += 1
            changes.append(_signed(now, now_score) - _signed(was, was_score))
    shift.mean_change = sum(changes) / len(changes) if changes else None
    return shift
