"""Urgency 0-100: how soon a person should look at this post, with the reasons in words.

Points add up, capped at 100 (docs/understanding.md has the table):
- complaint probability: up to 30;
- negative intensity (probability of negative sentiment): up to 20;
- the author's reach: 0 below 100 followers, rising with log10 to 15 at a million;
- a public post: 5 (others can see it and join in);
- safety words ("in pain", "injured", "unsafe", ...): 25; legal ("lawyer", "sue", ...): 15;
  churn ("cancel my account", "switching to", ...): 15;
- waiting unanswered: 5 after 15 minutes, 10 after an hour, 15 after four hours.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_SIGNALS: dict[str, tuple[int, re.Pattern[str]]] = {
    "safety": (
        25,
        re.compile(
            r"\b(in (so much )?pain|injur(ed|y)|hurt (me|my|myself)|bleeding|unsafe|not safe|danger(ous)?|emergency|"
            r"ambulance|hospital|fire|smoke|allergic reaction|food poisoning|stranded|harass(ed|ment)|assault(ed)?|"
            r"threat(en(ed)?)?|suicid\w*|carbon monoxide|gas leak|exploded|electrocut\w*)\b",
        ),
    ),
    "legal": (
        15,
        re.compile(
            r"\b(lawyers?|attorneys?|sue|suing|lawsuit|legal action|small claims|class action|court|"
            r"ombudsman|regulator|better business bureau|bbb|ftc|fcc|dot complaint|chargeback|fraud)\b",
        ),
    ),
    "churn": (
        15,
        re.compile(
            r"\b(cancel(l?ing)? (my|our) (account|subscription|service|membership|order|contract)|"
            r"clos(e|ing) (my|our) account|switch(ing)? to|moving to|never (again|flying|buying|using)|"
            r"last time i|done with (you|this)|lost a customer|leaving (you|for))\b",
        ),
    ),
}


@dataclass(frozen=True, slots=True)
class UrgencyInput:
    """What urgency is computed from; everything but the text may be unknown."""

    text: str
    complaint: float
    negative: float
    followers: int | None = None
    public: bool = True
    waited_minutes: float | None = None


def signals(text: str) -> list[tuple[str, str, int]]:
    """(kind, the words that matched, points) for each safety/legal/churn signal in the text."""
    low = text[:2_000].lower()
    found = []
    for kind, (points, pattern) in _SIGNALS.items():
        match = pattern.search(low)
        if match:
            found.append((kind, match.group(0), points))
    return found


def _reach_points(followers: int | None) -> float:
    if not followers or followers < 100:
        return 0.0
    return 15.0 * min(1.0, (math.log10(followers) - 2.0) / 4.0)


def _wait_points(minutes: float | None) -> int:
    if minutes is None or minutes < 15:
        return 0
    if minutes < 60:
        return 5
    return 10 if minutes < 240 else 15


def _followers_words(followers: int) -> str:
    if followers >= 1_000_000:
        return f"{followers / 1_000_000:.1f}M"
    return f"{followers / 1000:.0f}k" if followers >= 10_000 else str(followers)


def _wait_words(minutes: float) -> str:
    return f"{minutes:.0f} min" if minutes < 120 else f"{minutes / 60:.0f} h"


def urgency(item: UrgencyInput) -> tuple[int, list[str]]:
    """(score 0-100, reasons in words, largest contribution first)."""
    parts: list[tuple[float, str]] = []
    complaint = min(max(item.complaint, 0.0), 1.0)
    negative = min(max(item.negative, 0.0), 1.0)
    parts.append((30.0 * complaint, f"complaint probability {complaint:.0%}"))
    parts.append((20.0 * negative, f"negative tone {negative:.0%}"))
    if item.followers is not None and _reach_points(item.followers) > 0:
        parts.append((_reach_points(item.followers), f"author reaches {_followers_words(item.followers)} followers"))
    if item.public:
        parts.append((5.0, "public post others can see"))
    for kind, words, points in signals(item.text):
        parts.append((float(points), f'{kind} signal: "{words.lower()}"'))
    if item.waited_minutes is not None and _wait_points(item.waited_minutes) > 0:
        parts.append(
            (float(_wait_points(item.waited_minutes)), f"waiting {_wait_words(item.waited_minutes)} unanswered")
        )
    score = round(min(100.0, sum(points for points, _ in parts)))
    parts.sort(key=lambda part: -part[0])
    return score, [f"{words} (+{points:.0f})" for points, words in parts if points >= 0.5]
