"""`heard eval coach`: how well the coach's score separates real replies that customers answered warmly from those
they answered angrily (ROC AUC), and what the coach says about the worst-scored real replies."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from heard.coach.phrases import PhraseTable
from heard.coach.review import Review, ReviewContext
from heard.coach.reviewer import review
from heard.coach.situation import read_situation
from heard.lab.coach.outcome import Outcome, outcome
from heard.lab.coach.phrases import labels_of, out_of_fold
from heard.lab.coach.twacs import Exchange, read_exchanges


@dataclass(frozen=True, slots=True)
class Scored:
    """A real reply, the coach's review of it and how the customer answered."""

    exchange: Exchange
    review: Review
    outcome: Outcome | None
    complaint: bool


@dataclass(frozen=True, slots=True)
class PostJudgement:
    """What the pipeline concluded about the post a reply answers, as the inbox hands it to the coach."""

    complaint: bool
    question: bool
    mood: float


def judge_posts(exchanges: Sequence[Exchange]) -> dict[str, PostJudgement]:
    """The pipeline's judgement of every post answered, so the coach reads the post as it does in the inbox. Each
    TwACS post was addressed to the airline (its handle is masked out)."""
    from heard.understanding.judge import PostFacts, Understander

    posts = sorted({ex.post for ex in exchanges})
    understander = Understander.default()
    out: dict[str, PostJudgement] = {}
    for start in range(0, len(posts), 500):
        batch = posts[start : start + 500]
        facts = [PostFacts(answers_brand=True)] * len(batch)
        for text, judged in zip(batch, understander.judge(batch, facts), strict=True):
            out[text] = PostJudgement(judged.is_complaint, "question" in judged.intents, judged.sentiment_score)
    return out


def context_for(exchange: Exchange, judged: Mapping[str, PostJudgement] | None = None) -> ReviewContext:
    """TwACS is X (Twitter) in public; names and handles are masked, so the coach judges names from the text.
    The thread so far goes with it, as the inbox gives it: the coach sees what the brand already said; with
    `judged`, the pipeline's complaint, question and mood of the post too."""
    post = judged.get(exchange.post) if judged else None
    if post is None:
        return ReviewContext(post=exchange.post, network="x", public=True, thread=exchange.thread)
    return ReviewContext(
        post=exchange.post,
        network="x",
        public=True,
        thread=exchange.thread,
        is_complaint=post.complaint,
        is_question=post.question or None,
        mood=post.mood,
    )


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


def score_all(
    exchanges: Sequence[Exchange],
    weights: Mapping[str, float] | None = None,
    phrases: Sequence[PhraseTable] | None = None,
) -> list[Scored]:
    """Each reply reviewed; `phrases` gives each reply its own table (learned without its conversation), else the
    shipped one."""
    scored = []
    judged = judge_posts(exchanges)
    for i, ex in enumerate(exchanges):
        ctx = context_for(ex, judged)
        result = review(ex.reply, ctx, weights, phrases[i] if phrases is not None else None)
        scored.append(Scored(ex, result, outcome(ex.next_turn), read_situation(ctx).complaint))
    return scored


def auc_of(scored: Sequence[Scored], value: Any = None) -> float | None:
    pick = value or (lambda s: s.review.score)
    warm = [pick(s) for s in scored if s.outcome == "warm"]
    angry = [pick(s) for s in scored if s.outcome == "angry"]
    return roc_auc(warm, angry)


def evaluate(
    exchanges: Sequence[Exchange], weights: Mapping[str, float] | None = None, worst: int = 10
) -> dict[str, Any]:
    # The learned phrases are scored out of fold (each conversation by a table learned without it), so the
    # figure is a held-out one; the shipped table, learned on all of them, is reported beside it.
    tables = out_of_fold(exchanges, labels_of(exchanges))
    started = time.perf_counter()
    scored = score_all(exchanges, weights, tables)
    elapsed = time.perf_counter() - started
    complaints = [s for s in scored if s.complaint]
    by_conversation = {ex.conversation: table for ex, table in zip(exchanges, tables, strict=True)}
    return {
        "pairs": _pairs_figures(by_conversation),
        "pairs_held_out": _held_out_pairs_figures(exchanges, by_conversation),
        "roc_auc": _round(auc_of(scored)),
        "roc_auc_on_complaints": _round(auc_of(complaints)),
        "roc_auc_shipped_phrases_in_sample": _round(auc_of(score_all(exchanges, weights))),
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


def _pairs_figures(tables: Mapping[str, PhraseTable]) -> dict[str, Any] | str:
    """The labelled pairs (`heard.lab.coach.pairs`), each scored with phrases learned without its conversation."""
    from heard.lab.coach import pairs

    if not pairs.PAIRS_FILE.is_file():
        return f"{pairs.PAIRS_FILE.name} is missing: python -m heard.lab.coach.pairs CONVERSATIONS.csv"
    return pairs.evaluate(pairs.read(), tables)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _held_out_pairs_figures(exchanges: Sequence[Exchange], tables: Mapping[str, PhraseTable]) -> dict[str, Any]:
    """The same kinds of pairs built for situations outside the labelled set (`heard.lab.coach.pairs.held_out`)."""
    from heard.lab.coach import pairs

    tuned_on = {p["conversation"] for p in pairs.read()} if pairs.PAIRS_FILE.is_file() else set()
    return pairs.evaluate(pairs.held_out(exchanges, judge_posts(exchanges), tuned_on), tables)
