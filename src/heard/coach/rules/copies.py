"""Sounds human: not a near-copy of replies already sent to others in the same incident."""

from __future__ import annotations

from heard.coach.review import Finding, ReviewContext
from heard.coach.situation import Situation
from heard.coach.text import Draft, jaccard, shingles

#: Shingle overlap above which a reply reads as the same canned text (names, handles and numbers are masked).
NEAR_COPY = 0.5
_MAX_COMPARED = 500


def likeness(draft: Draft, others: tuple[str, ...]) -> float:
    """The highest shingle overlap of the draft with any of `others`; 0 for a draft too short to compare."""
    mine = shingles(draft.text)
    if not others or len(mine) < 3:
        return 0.0
    return max(jaccard(mine, shingles(other)) for other in others)


def check_near_copy(draft: Draft, ctx: ReviewContext, sit: Situation) -> list[Finding]:
    best = likeness(draft, ctx.previous_replies[-_MAX_COMPARED:])
    if best < NEAR_COPY:
        return []
    return [
        Finding(
            "human.near_copy",
            "warning",
            f"The reply is {round(best * 100)}% the same as one already sent to someone else in this incident.",
            "People in a pile-on read each other's replies; the same text pasted to everyone looks like a bot.",
            "Rewrite it for this customer: their name, what happened to them, and what you are doing about it.",
            strength=min(1.0, (best - NEAR_COPY) / (1 - NEAR_COPY) * 0.5 + 0.5),
        )
    ]
