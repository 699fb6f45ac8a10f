"""Why a conversation sits where it does in the queue, in words an agent reads at a glance.

Pure: the list query gathers the facts (`RowFacts`) for a page in one extra query, and `reason` turns them into
"waiting 42 min in public · 18 people piling on · complaint · negative · 12k followers".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from heard.clock import as_utc
from heard.posts import COMPLAINT_AT

#: The priority the radar gives a conversation it caught in a pile-on (heard.alerts.actions.PILEON_PRIORITY).
PILEON_PRIORITY = 100
#: Below this the author's audience says nothing about the risk of waiting.
NOTABLE_FOLLOWERS = 1_000
SEPARATOR = " · "


@dataclass(frozen=True, slots=True)
class RowFacts:
    """What the queue knows about one conversation and its latest customer post (None: not known)."""

    waiting_since: datetime | None = None
    #: The latest customer post was public (a reply in the open) rather than a direct message.
    public: bool | None = None
    priority: int = 0
    #: Distinct authors the radar counted piling on, from the pile-on alert's evidence.
    pileon_authors: int | None = None
    complaint: float | None = None
    sentiment: str | None = None
    followers: int | None = None


def waited(seconds: float, padded: bool = False) -> str:
    """45 s, 12 min, 3 h 5 min, 4 d; `padded` writes 3 h 05 min so a ticking countdown keeps its width."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        if padded:
            return f"{hours} h {minutes:02d} min"
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{hours // 24} d"


def audience(followers: int) -> str:
    """1.2k, 12k, 3.4M: a round figure, as the number matters less than its size."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if followers >= size:
            value = followers / size
            text = f"{value:.1f}" if value < 10 else f"{value:.0f}"
            return text.removesuffix(".0") + suffix
    return str(followers)


def _waiting(facts: RowFacts, now: datetime) -> str | None:
    if facts.waiting_since is None:
        return None
    where = {True: " in public", False: " in private", None: ""}[facts.public]
    return f"waiting {waited((as_utc(now) - as_utc(facts.waiting_since)).total_seconds())}{where}"


def _pileon(facts: RowFacts) -> str | None:
    if facts.priority < PILEON_PRIORITY:
        return None
    if facts.pileon_authors and facts.pileon_authors > 0:
        people = "person" if facts.pileon_authors == 1 else "people"
        return f"{facts.pileon_authors} {people} piling on"
    return "pile-on"


def reason(facts: RowFacts, now: datetime) -> str:
    """The reasons, most pressing first; an empty string when nothing stands out."""
    parts = [
        _waiting(facts, now),
        _pileon(facts),
        "complaint" if facts.complaint is not None and facts.complaint >= COMPLAINT_AT else None,
        facts.sentiment if facts.sentiment in ("negative", "positive") else None,
        f"{audience(facts.followers)} followers"
        if facts.followers is not None and facts.followers >= NOTABLE_FOLLOWERS
        else None,
    ]
    return SEPARATOR.join(part for part in parts if part)
