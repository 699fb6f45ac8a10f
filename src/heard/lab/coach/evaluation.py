"""`heard eval coach`: how well the coach's score separates real replies that customers answered warmly from those
they answered angrily (ROC AUC), and what the coach says about the worst-scored real replies."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from heard.coach.review import Review, ReviewContext
from heard.coach.reviewer import review
from heard.coach.situation import read_situation
from heard.lab.coach.outcome import Outcome, outcome
from heard.lab.coach.twacs import Exchange, read_exchanges


@dataclass(frozen=True, slots=True)
class Scored:
    """A real reply, the coach's review of it and how the customer answered."""

    exchange: Exchange
    review: Review
    outcome: Outcome | None
    complaint: bool


def context_for(exchange: Exchange) -> ReviewContext:
    """TwACS is X (Twitter) in public; names and handles are masked, so the coach judges names from the text.
    The thread so far goes with it, as the inbox gives it: the coach sees what the brand already said."""
    return ReviewContext(post=exchange.post, network="x", public=True, thread=exchange.thread)


def roc_auc(positive: Sequence[float], negative: Sequence[float]) -> float | None:
    """P(a random positive outranks a random negative), ties counted half (Mann-Whitney U)."""
    if not positive or not negative:
        return None
    values = np.concatenate([np.asarray(positive, float), np.asarray(negative, float)])
    order = values.argsort(kind="mergesort")
    ranks = np.empty(len(values), float)
    sorted_values = values[order]
    # Average ranks over ties: every member of a run of equal values gets the run's mean rank.
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_values)) + 1]
    ends = np.r_[starts[1:], len(values)]
    for start, end in zip(starts, ends, strict=True):
        ranks[order[start:end]] = (start + end + 1) / 2
    n_pos, n_neg = len(positive), len(negative)
    u = ranks[:n_pos].sum() - n_pos * (n_pos + 1) / 2
    return float(u / (n_pos * n_neg))


def score_all(exchanges: Sequence[Exchange], weights: Mapping[str, float] | None = None) -> list[Scored]:
    scored = []
    for ex in exchanges:
        ctx = context_for(ex)
        scored.append(Scored(ex, review(ex.reply, ctx, weights), outcome(ex.next_turn), read_situation(ctx).complaint))
    return scored


def auc_of(scored: Sequence[Scored], value: Any = None) -> float | None:
    pick = value or (lambda s: s.review.score)
    warm = [pick(s) for s in scored if s.outcome == "warm"]
    angry = [pick(s) for s in scored if s.outcome == "angry"]
    return roc_auc(warm, angry)


def evaluate(
    exchanges: Sequence[Exchange], weights: Mapping[str, float] | None = None, worst: int = 10
) -> dict[str, Any]:
    started = time.perf_counter()
    scored = score_all(exchanges, weights)
    elapsed = time.perf_counter() - started
    complaints = [s for s in scored if s.complaint]
    return {
        "roc_auc": _round(auc_of(scored)),
        "roc_auc_on_complaints": _round(auc_of(complaints)),
        "baseline_roc_auc_reply_length": _round(auc_of(scored, lambda s: len(s.exchange.reply))),
        "n_replies": len(scored),
        "n_warm": sum(s.outcome == "warm" for s in scored),
        "n_angry": sum(s.outcome == "angry" for s in scored),
        "mean_score": round(float(np.mean([s.review.score for s in scored])), 1) if scored else None,
        "ms_per_review": round(elapsed * 1000 / max(1, len(scored)), 3),
        "rule_rates": rule_rates(scored),
        "worst": [_worst_entry(s) for s in worst_scored(scored, worst)],
    }


def evaluate_file(path: Path, limit: int | None = None, worst: int = 10) -> dict[str, Any]:
    """`heard eval coach`: the report on the first `limit` answered replies of a TwACS conversations CSV."""
    return evaluate(read_exchanges(path, limit), worst=worst)


def rule_rates(scored: Sequence[Scored]) -> dict[str, dict[str, float]]:
    """How often each rule fires on replies answered warmly and angrily: a rule worth having fires more on angry."""
    groups = {k: [s for s in scored if s.outcome == k] for k in ("warm", "angry")}
    rules = sorted({f.rule for s in scored for f in s.review.findings})
    return {
        rule: {k: round(sum(rule in s.review.rules for s in g) / max(1, len(g)), 3) for k, g in groups.items()}
        for rule in rules
    }


def worst_scored(scored: Sequence[Scored], n: int) -> list[Scored]:
    """The n lowest scores; ties broken by the points lost, then by conversation, so the list is stable."""
    key = [
        (s.review.score, -sum(f.points for f in s.review.findings), s.exchange.conversation, i)
        for i, s in enumerate(scored)
    ]
    return [scored[k[3]] for k in sorted(key)[:n]]


def _worst_entry(s: Scored) -> dict[str, Any]:
    return {
        "conversation": s.exchange.conversation,
        "post": s.exchange.post,
        "reply": s.exchange.reply,
        "customer_next": s.exchange.next_turn,
        "outcome": s.outcome,
        "score": s.review.score,
        "findings": [{"rule": f.rule, "what": f.what, "fix": f.fix} for f in s.review.findings],
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
