"""`review(draft, context)`: run every rule over a draft and price the findings."""

from __future__ import annotations

from collections.abc import Mapping

from heard.coach.phrases import PhraseTable, shipped_phrases
from heard.coach.review import Finding, Review, ReviewContext, score_findings
from heard.coach.rules import ANY_LANGUAGE_RULES, RULES
from heard.coach.rules.scripted import check_scripted
from heard.coach.situation import read_situation
from heard.coach.text import Draft, looks_english
from heard.coach.weights import shipped_weights

_EMPTY = Finding(
    "draft.empty",
    "error",
    "The draft is empty.",
    "There is nothing to send yet.",
    "Write a reply, or start from the suggested draft.",
)

#: Costs no points (it has no weight): it only says which rules did not run.
_NOT_ENGLISH = Finding(
    "coach.language",
    "info",
    "The draft does not look like English, so only names, signature, length, private data, links and copies "
    "were checked.",
    "The coach's wording rules (apology, reason, fix, blame, thanks, boilerplate) know English only.",
    "Check those by eye: own the mistake, say why, give the fix, thank them.",
)


def review(
    draft: str,
    context: ReviewContext | None = None,
    weights: Mapping[str, float] | None = None,
    phrases: PhraseTable | None = None,
) -> Review:
    """Score a draft 0-100 against the coach's rules; never raises on hostile text. `weights` and `phrases`
    default to the shipped ones (evaluation passes ones fitted without the replies it scores)."""
    ctx = context or ReviewContext()
    text = Draft.of(draft if isinstance(draft, str) else "")
    if not text.words:
        return Review(score=0, findings=(_EMPTY,))
    findings = collect_findings(text, ctx, phrases)
    return score_findings(findings, weights if weights is not None else shipped_weights())


def collect_findings(text: Draft, ctx: ReviewContext, phrases: PhraseTable | None = None) -> list[Finding]:
    """Unpriced findings of every rule; `heard train coach` fits weights on these."""
    situation = read_situation(ctx)
    english = looks_english(text.words)
    findings: list[Finding] = [] if english else [_NOT_ENGLISH]
    for rule in RULES if english else ANY_LANGUAGE_RULES:
        findings.extend(rule(text, ctx, situation))
    if english:
        findings.extend(check_scripted(text, phrases if phrases is not None else shipped_phrases()))
    return findings
