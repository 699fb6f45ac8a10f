"""When a rule matches: conditions over one stored post's facts. Pure: the live hook and the preview use it alike.

Every condition that is set must hold (AND); inside a list any value may (OR). An empty rule matches nothing,
so a half-written rule cannot tag the whole firehose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from heard.errors import BadInput
from heard.posts import COMPLAINT_AT

SENTIMENTS = ("negative", "neutral", "positive")
INCIDENT = ("any", "none")
MAX_ITEMS = 50
MAX_WORD_CHARS = 80


@dataclass(frozen=True, slots=True)
class Facts:
    """What a rule can see of one customer post."""

    network: str
    text: str
    mentions: tuple[str, ...] = ()
    channel: str | None = None
    complaint: float | None = None
    intents: tuple[str, ...] = ()
    sentiment: str | None = None
    topic: str | None = None
    incident_id: int | None = None
    followers: int | None = None
    language: str | None = None
    urgency: int | None = None


def _words(value: Any, name: str, lower: bool = True) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise BadInput(f"{name}: a list of words")
    out = []
    for item in items[:MAX_ITEMS]:
        word = str(item).strip().lstrip("@#")
        if len(word) > MAX_WORD_CHARS:
            raise BadInput(f"{name}: {word[:20]!r}… is longer than {MAX_WORD_CHARS} characters")
        if word:
            out.append(word.lower() if lower else word)
    return tuple(dict.fromkeys(out))


def _number(value: Any, name: str, low: float, high: float) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise BadInput(f"{name}: a number") from exc
    if not low <= number <= high:
        raise BadInput(f"{name}: between {low:g} and {high:g}")
    return number


@dataclass(frozen=True, slots=True)
class Conditions:
    networks: tuple[str, ...] = ()
    #: Brand handles (or channel names) the post is addressed to.
    brands: tuple[str, ...] = ()
    #: True: only complaints; False: only posts that are not complaints; None: either.
    complaint: bool | None = None
    sentiments: tuple[str, ...] = ()
    intents: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    #: "any": in some incident; "none": in none.
    incident: str | None = None
    #: Words or phrases, any of which in the text (case-insensitive, whole words).
    keywords: tuple[str, ...] = ()
    min_followers: int | None = None
    languages: tuple[str, ...] = ()
    min_urgency: int | None = None
    _pattern: re.Pattern[str] | None = field(default=None, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_pattern", _keyword_pattern(self.keywords))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Conditions:
        sentiments = _words(data.get("sentiments"), "sentiments")
        if unknown := [s for s in sentiments if s not in SENTIMENTS]:
            raise BadInput(f"sentiments: {unknown[0]!r} is not one of {', '.join(SENTIMENTS)}")
        incident = data.get("incident") or None
        if incident is not None and incident not in INCIDENT:
            raise BadInput("incident: any or none")
        complaint = data.get("complaint")
        if isinstance(complaint, str):
            complaint = {"yes": True, "true": True, "no": False, "false": False}.get(complaint.lower())
        followers = _number(data.get("min_followers"), "min_followers", 0, 1e10)
        urgency = _number(data.get("min_urgency"), "min_urgency", 0, 100)
        keywords = _words(data.get("keywords"), "keywords")
        made = cls(
            networks=_words(data.get("networks"), "networks"),
            brands=_words(data.get("brands"), "brands"),
            complaint=complaint if isinstance(complaint, bool) else None,
            sentiments=sentiments,
            intents=_words(data.get("intents"), "intents"),
            topics=_words(data.get("topics"), "topics"),
            incident=incident,
            keywords=keywords,
            min_followers=None if followers is None else int(followers),
            languages=_words(data.get("languages"), "languages"),
            min_urgency=None if urgency is None else int(urgency),
        )
        if made.is_empty():
            raise BadInput("a rule needs at least one condition")
        return made

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in (
            "networks",
            "brands",
            "complaint",
            "sentiments",
            "intents",
            "topics",
            "incident",
            "keywords",
            "min_followers",
            "languages",
            "min_urgency",
        ):
            value = getattr(self, name)
            if value not in (None, ()):
                out[name] = list(value) if isinstance(value, tuple) else value
        return out

    def is_empty(self) -> bool:
        return not self.to_json()

    def matches(self, facts: Facts) -> bool:
        if self.is_empty():
            return False
        checks = (
            not self.networks or facts.network.lower() in self.networks,
            not self.brands or self._addressed(facts),
            self.complaint is None or ((facts.complaint or 0.0) >= COMPLAINT_AT) == self.complaint,
            not self.sentiments or (facts.sentiment or "") in self.sentiments,
            not self.intents or any(i.lower() in self.intents for i in facts.intents),
            not self.topics or (facts.topic or "").lower() in self.topics,
            self.incident is None or (facts.incident_id is not None) == (self.incident == "any"),
            self.min_followers is None or (facts.followers or 0) >= self.min_followers,
            not self.languages or (facts.language or "").lower() in self.languages,
            self.min_urgency is None or (facts.urgency or 0) >= self.min_urgency,
        )
        if not all(checks):
            return False
        return self._pattern is None or self._pattern.search(facts.text) is not None

    def _addressed(self, facts: Facts) -> bool:
        mentioned = {m.lower().lstrip("@") for m in facts.mentions}
        return bool(mentioned & set(self.brands)) or (facts.channel or "").lower() in self.brands


def _keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern[str] | None:
    if not keywords:
        return None
    # Whole words: "refund" matches "refund" and "Refund!", not "refunded" (list both when both are meant).
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(k) for k in keywords) + r")(?!\w)", re.IGNORECASE)
