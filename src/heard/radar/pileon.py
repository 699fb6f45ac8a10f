"""Pile-on on one thread: distinct new authors replying to, quoting or "me too"-ing one complaint.

A `ThreadPileOn` keeps, for one thread, decayed rates of engagements by authors new to the thread (velocity
over 5 minutes, its change against 30 minutes as acceleration), the total followers of those authors (reach),
how many say "same here", and since when the brand has left the thread unanswered. `urgency()` folds these into
0..100: a pile-on that grows while the brand says nothing is the most urgent thing in the inbox.
Memory is bounded: the distinct-author set keeps at most `MAX_AUTHORS` ids; past that every author counts as new.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_AUTHORS = 512
_FAST_TAU = 300.0
_SLOW_TAU = 1800.0
_WOKEN = timedelta(hours=6)
_ME_TOO = re.compile(
    r"\b(same here|me 2|same (issue|problem|thing here)|also (having|getting|seeing)|happening to me|"
    r"not just me|same (for|with) (me|us)|\+1|this too|ditto|us too|in the same boat)\b|"
    # "me too", not "takes me too long".
    r"\bme too\b(?!\s+(long|much|many|far|late|early|soon|often|hard|big|small)\b)|"
    # Someone else's problem, lived too: "I've had this for 3 days now", "we have had the same for a week";
    # "this"/"that" must be the thing itself ("I've had this phone for years", "had this since I was 19" are not).
    r"\b(i|we)(['’]ve| have) (had|been having|got|been getting) (this|that|the same)\b"
    r"(?=\s*(for|too|as well|all|every|again|[.,!?]|$))|"
    # A reply that opens with "same" ("same, and support just ignores us"), after any @handles.
    r"^\s*(@\w+\s+)*same\s*([,.!:;-]|$)",
    re.IGNORECASE,
)


def says_me_too(text: str) -> bool:
    return bool(_ME_TOO.search(text[:2000]))


@dataclass(frozen=True, slots=True)
class PileOnState:
    """A thread's pile-on figures at one moment."""

    thread_key: str
    new_authors: int
    velocity_per_min: float
    acceleration_per_min2: float
    reach: int
    me_too: int
    unanswered_s: float
    urgency: int
    #: Seconds from the first to the latest new person joining: "13 people joined ... in 4 min".
    joined_over_s: float = 0.0


class ThreadPileOn:
    """Pile-on figures of one thread, updated one post at a time."""

    __slots__ = (
        "_authors",
        "_fast",
        "_first_join",
        "_last",
        "_last_join",
        "_last_post",
        "_me_too",
        "_new_authors",
        "_reach",
        "_slow",
        "_waiting_since",
        "key",
        "root_author",
    )

    def __init__(self, key: str, root_author: str | None = None) -> None:
        self.key = key
        self.root_author = root_author
        self._authors: set[str] = set()
        self._new_authors = 0
        self._fast = 0.0
        self._slow = 0.0
        self._reach = 0
        self._me_too = 0
        self._last: datetime | None = None
        self._last_post: datetime | None = None
        self._first_join: datetime | None = None
        self._last_join: datetime | None = None
        self._waiting_since: datetime | None = None

    def _decay(self, when: datetime) -> None:
        if self._last is not None:
            gap = max((when - self._last).total_seconds(), 0.0)
            self._fast *= math.exp(-gap / _FAST_TAU)
            self._slow *= math.exp(-gap / _SLOW_TAU)
        if self._last is None or when > self._last:
            self._last = when

    def add(self, when: datetime, author: str, is_brand: bool, text: str = "", followers: int | None = None) -> bool:
        """Take one post of the thread; True when it came from an author new to the thread."""
        self._decay(when)
        if is_brand:
            self._waiting_since = None
            return False
        if self._waiting_since is None or (self._last_post is not None and (when - self._last_post) > _WOKEN):
            # A thread quiet for hours that wakes up is waiting from now, not from its first day.
            self._waiting_since = when
        self._last_post = when
        if author in self._authors or author == self.root_author:
            return False
        if len(self._authors) < MAX_AUTHORS:
            self._authors.add(author)
        self._new_authors += 1
        if self._first_join is None:
            self._first_join = when
        self._last_join = when
        self._fast += 1.0
        self._slow += 1.0
        self._reach += max(followers or 0, 0)
        if says_me_too(text):
            self._me_too += 1
        return True

    def state(self, now: datetime) -> PileOnState:
        fast, slow = self._fast, self._slow
        if self._last is not None and now > self._last:
            gap = (now - self._last).total_seconds()
            fast *= math.exp(-gap / _FAST_TAU)
            slow *= math.exp(-gap / _SLOW_TAU)
        velocity = fast / (_FAST_TAU / 60.0)
        acceleration = (velocity - slow / (_SLOW_TAU / 60.0)) / ((_SLOW_TAU - _FAST_TAU) / 120.0)
        waiting = (now - self._waiting_since).total_seconds() if self._waiting_since is not None else 0.0
        joined = 0.0
        if self._first_join is not None and self._last_join is not None:
            joined = max((self._last_join - self._first_join).total_seconds(), 0.0)
        return PileOnState(
            self.key,
            self._new_authors,
            round(velocity, 4),
            round(acceleration, 5),
            self._reach,
            self._me_too,
            max(waiting, 0.0),
            urgency(velocity, acceleration, self._reach, self._new_authors, waiting),
            joined,
        )


def urgency(velocity: float, acceleration: float, reach: int, authors: int, unanswered_s: float) -> int:
    """0..100. Velocity and audience say how big it is; growing and unanswered say how bad waiting is."""
    size = math.log1p(max(velocity, 0.0) * 4.0) * 18.0 + math.log10(1.0 + max(reach, 0)) * 4.0
    size += min(authors, 50) * 0.4
    growing = 12.0 if acceleration > 0 else 0.0
    waiting = min(unanswered_s / 60.0, 60.0) * 0.4 if velocity > 0.2 else 0.0
    return max(0, min(100, round(size + growing + waiting)))
