"""What an alert says to a care lead: a title in plain words, one count of people, and the order of the list.

The detectors' own fields (p, scores, acceleration) stay on the alert as evidence, behind a details toggle; what a
reader sees first is what happened, to whom, how many people and how long it has gone unanswered. The count of
people is the thread's own count of distinct new people (not the complaint's author, not the brand), the same
number the radar fired on and the report and inbox show.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from heard.alerts.models import Alert
from heard.conversations.models import PostRecord

_STATUS_ORDER = {"open": 0, "acknowledged": 1, "resolved": 2}
_MENTION = re.compile(r"(^|\s)[@#]\w+")
_SUBJECT_WORDS = 8


def people(alert: Alert) -> int | None:
    """Distinct new people who joined a pile-on's thread (None for other alerts)."""
    value = alert.evidence.get("new_authors") if alert.kind == "pileon" else None
    return int(value) if isinstance(value, int | float) else None


def unanswered_s(alert: Alert) -> float:
    value = alert.evidence.get("unanswered_s")
    return float(value) if isinstance(value, int | float) else 0.0


def span(seconds: float) -> str:
    """A duration as a person says it: "under a minute", "4 min", "2 h 5 min", "3 days"."""
    seconds = max(seconds, 0.0)
    if seconds < 60:
        return "under a minute"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    return f"{round(hours / 24)} days"


def subject(root: PostRecord | None) -> str:
    """A few of the complaint's own words (mentions and hashtags left out), or its topic."""
    if root is None:
        return ""
    words = _MENTION.sub(" ", root.text).split()
    if words:
        text = " ".join(words[:_SUBJECT_WORDS])
        return f"“{text}{'…' if len(words) > _SUBJECT_WORDS else ''}”"
    return f"about {root.topic}" if root.topic else ""


def _series(key: str) -> str:
    kind, _, name = key.partition(":")
    if kind == "brand":
        return f"Posts to @{name}"
    if kind == "hashtag":
        return f"Posts with {name}"
    if kind == "topic":
        return f"Posts about {name.replace('_', ' ')}"
    if kind == "incident":
        return f"Posts in incident {name}"
    return f"Posts on {key}"


def _usual(expected: float) -> str:
    if expected < 1:
        return "fewer than one is usual"
    return f"about {round(expected)} are usual"


def title(alert: Alert, root: PostRecord | None = None) -> str:
    """One line: for a pile-on, how many people joined whose complaint, over how long, and how long it has gone
    unanswered; for a volume spike, how many posts where how many are usual."""
    count = people(alert)
    if count is None:
        return f"{_series(alert.series_key)}: {round(alert.observed)} where {_usual(alert.expected)}"
    whose = f"@{root.author_handle}'s complaint" if root is not None else "a complaint"
    about = subject(root)
    over = alert.evidence.get("joined_over_s")
    joined = f" in {span(float(over))}" if isinstance(over, int | float) and over >= 60 else ""
    waiting = unanswered_s(alert)
    answer = f"not answered for {span(waiting)}" if waiting > 0 else "answered"
    noun = "person" if count == 1 else "people"
    return f"{count} {noun} joined {whose}{' ' + about if about else ''}{joined}; {answer}"


def need(alert: Alert) -> float:
    """0..1, comparable across kinds: a pile-on's urgency, a volume spike's severity."""
    if alert.kind == "pileon":
        urgency = alert.evidence.get("urgency")
        if isinstance(urgency, int | float):
            return max(0.0, min(1.0, float(urgency) / 100.0))
    return max(0.0, min(1.0, alert.severity))


def ranked(alerts: Iterable[Alert]) -> list[Alert]:
    """What needs action first: open before acknowledged before resolved; within those, a pile-on on a thread
    nobody has answered, then by need; the newest first among equals."""

    def key(alert: Alert) -> tuple[int, int, float, float]:
        waiting = alert.kind == "pileon" and unanswered_s(alert) > 0
        created = alert.created_at.timestamp() if alert.created_at is not None else 0.0
        return (_STATUS_ORDER.get(alert.status, 3), 0 if waiting else 1, -need(alert), -created)

    return sorted(alerts, key=key)


def details(alert: Alert) -> list[tuple[str, Any]]:
    """The detector's raw fields, for the details toggle."""
    fields: Mapping[str, Any] = {
        "series": alert.series_key,
        "observed": round(alert.observed, 3),
        "expected": round(alert.expected, 4),
        "severity": round(alert.severity, 4),
        **alert.evidence,
    }
    return sorted(fields.items())
