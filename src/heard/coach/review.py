"""The reply coach's verdict on a draft: `review(draft, context) -> Review`.

Pure and fast (it runs on each keystroke): no database, no network. Each rule looks at the draft and the
situation it answers and returns findings; each finding costs points from 100 by its rule's weight.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]

#: Characters each network lets one public post carry.
#: Drafts longer than this are reviewed on their first part only, so hostile paste cannot stall the coach.
MAX_REVIEW_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class ReviewContext:
    """What the draft answers: the customer's post and who they are, where it goes and what was said before."""

    post: str = ""
    customer_handle: str = ""
    customer_name: str = ""
    network: str = "x"
    public: bool = True
    agent_name: str = ""
    #: Replies already sent to other customers in the same incident (for near-copy detection).
    previous_replies: tuple[str, ...] = ()
    #: The knowledge-base article that matches the problem, when there is one.
    article_url: str | None = None
    article_title: str = ""
    incident_title: str = ""
    #: The pipeline's judgement of the post; None lets the coach judge it from the text.
    is_complaint: bool | None = None
    is_question: bool | None = None
    #: The pipeline's topic for the post (e.g. "baggage"), used by suggested drafts when the post says little.
    topic: str = ""
    #: The conversation so far, oldest first, as ("customer" | "brand", text); the post answered is usually the
    #: last customer turn. Lets the coach see what the brand already said and how the customer's mood moved.
    thread: tuple[tuple[str, str], ...] = ()
    #: The pipeline's sentiment score (-1..1) of the latest customer post; None lets the coach read the mood.
    mood: float | None = None
    #: Several customers are piling onto the same thread or incident ("me too", "same here").
    pile_on: bool = False
    #: The incident's status ("open", "monitoring", "resolved"), when the conversation is part of one.
    incident_status: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing to improve: what is wrong, why it matters, a concrete fix, and where in the draft."""

    rule: str
    severity: Severity
    what: str
    why: str
    fix: str
    span: tuple[int, int] | None = None
    #: How strongly the rule fired, 0..1; the points it costs are strength times the rule's weight.
    strength: float = 1.0
    points: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "what": self.what,
            "why": self.why,
            "fix": self.fix,
            "span": list(self.span) if self.span else None,
            "points": round(self.points, 1),
        }


@dataclass(frozen=True, slots=True)
class Review:
    """A 0-100 score (100 = nothing to improve) and the findings that cost points, worst first."""

    score: int
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def rules(self) -> frozenset[str]:
        return frozenset(f.rule for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "findings": [f.to_dict() for f in self.findings]}


def score_findings(findings: list[Finding], weights: Mapping[str, float]) -> Review:
    """Price each finding by its rule's weight and sort the worst first."""
    priced = [_priced(f, weights.get(f.rule, 0.0)) for f in findings]
    priced.sort(key=lambda f: (-f.points, f.rule))
    total = sum(f.points for f in priced)
    return Review(score=max(0, min(100, round(100 - total))), findings=tuple(priced))


def _priced(finding: Finding, weight: float) -> Finding:
    return Finding(
        finding.rule,
        finding.severity,
        finding.what,
        finding.why,
        finding.fix,
        finding.span,
        finding.strength,
        weight * finding.strength,
    )
