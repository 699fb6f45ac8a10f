"""The outcome report (product item 9): response times and SLA compliance, pile-ons and their cost, each
customer's sentiment before and after the reply, incidents resolved, and articles that cut complaint volume.

One read-only pass over the store for a period; the web page draws it and `heard report` prints it as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from heard.reports.checkins import CheckinFigures, checkin_figures
from heard.reports.fixes import ArticleEffect, IncidentFigures, article_effects, incident_figures
from heard.reports.period import Period, choose_period
from heard.reports.pileons import PileonFigures, pileon_costs
from heard.reports.responses import ResponseFigures, first_responses, response_figures
from heard.reports.sentiment_shift import SentimentShift, sentiment_shift


@dataclass(frozen=True, slots=True)
class OutcomeReport:
    period: Period
    responses: ResponseFigures
    sentiment: SentimentShift
    pileons: PileonFigures
    incidents: IncidentFigures
    articles: list[ArticleEffect]
    #: The "is it fixed for you?" check-ins asked in the period and their answers (docs/reports.md).
    checkins: CheckinFigures = field(default_factory=CheckinFigures)


def outcome_report(
    session: Session,
    now: datetime,
    default_target_s: int,
    since: date | None = None,
    until: date | None = None,
    brand: str | None = None,
) -> OutcomeReport:
    """The period's figures, of one brand's conversations, pile-ons and incidents when `brand` is given."""
    period = choose_period(session, now, since, until, brand)
    answered = first_responses(session, period, default_target_s)
    return OutcomeReport(
        period=period,
        responses=response_figures(answered, period, now),
        sentiment=sentiment_shift(session, answered),
        pileons=pileon_costs(session, period, now),
        incidents=incident_figures(session, period),
        articles=article_effects(session, period, now),
        checkins=checkin_figures(session, period),
    )


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def as_json(report: OutcomeReport) -> dict[str, Any]:
    """Plain JSON types only, dates as ISO strings, so the CLI and any other tool can read it."""
    r, s, p, i = report.responses, report.sentiment, report.pileons, report.incidents
    return {
        "period": {"since": report.period.since.date().isoformat(), "until": report.period.days[-1].isoformat()},
        "responses": {
            "conversations": r.conversations,
            "answered": r.answered,
            "median_first_response_s": _seconds(r.median_first_response_s),
            "p90_first_response_s": _seconds(r.p90_first_response_s),
            "sla_compliance": None if r.sla_compliance is None else round(r.sla_compliance, 4),
            "breaches": r.breaches,
            "by_network": r.by_network,
            "by_day": {day.isoformat(): figures for day, figures in r.by_day.items()},
        },
        "sentiment": {
            "compared": s.compared,
            "no_word_after": s.no_word_after,
            "unhappy_to_loyal": s.unhappy_to_loyal,
            "turned_around": s.turned_around,
            "soured": s.soured,
            "mean_change": None if s.mean_change is None else round(s.mean_change, 4),
            "matrix": s.matrix,
        },
        "checkins": {
            "asked": report.checkins.asked,
            "answered": report.checkins.answered,
            "fixed": report.checkins.fixed,
            "not_fixed": report.checkins.not_fixed,
        },
        "pileons": {
            "count": p.count,
            "answered": p.answered,
            "median_answer_s": _seconds(p.median_answer_s),
            "joined_while_waiting": p.joined_while_waiting,
            "reach_while_waiting": p.reach_while_waiting,
            "worst": [
                {
                    "alert_id": c.alert_id,
                    "conversation_id": c.conversation_id,
                    "series_key": c.series_key,
                    "started_at": c.started_at.isoformat(),
                    "answered_after_s": _seconds(c.answered_after_s),
                    "joined_while_waiting": c.joined_while_waiting,
                    "reach_while_waiting": c.reach_while_waiting,
                }
                for c in p.worst
            ],
        },
        "incidents": {
            "opened": i.opened,
            "resolved": i.resolved,
            "open_now": i.open_now,
            "median_resolve_s": _seconds(i.median_resolve_s),
        },
        "articles": [
            {
                "slug": a.slug,
                "title": a.title,
                "incident_id": a.incident_id,
                "published_at": a.published_at.isoformat(),
                "complaints_per_day_before": round(a.per_day_before, 3),
                "complaints_per_day_after": round(a.per_day_after, 3),
                "days_after": a.days_after,
                "change": None if a.change is None else round(a.change, 4),
            }
            for a in report.articles
        ],
    }
