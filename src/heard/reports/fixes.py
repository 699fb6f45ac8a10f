"""Incidents resolved, and whether publishing a fix cut the complaints.

An incident counts as resolved when its status is "fixed" or "closed"; its resolution time is approximated by
its last update (incidents keep no separate resolved-at stamp). An article's effect is the complaints per day in
its incident in the week before it was published against the week after (only days that have passed count, so
an article published yesterday is judged on one day, and says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from heard.clock import as_utc
from heard.conversations.models import PostRecord
from heard.incidents.models import Incident
from heard.knowledge.models import Article
from heard.posts import COMPLAINT_AT
from heard.reports.period import Period
from heard.reports.stats import median

RESOLVED = ("fixed", "closed")
WINDOW = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class IncidentFigures:
    opened: int
    resolved: int
    open_now: int
    median_resolve_s: float | None


@dataclass(frozen=True, slots=True)
class ArticleEffect:
    slug: str
    title: str
    incident_id: int
    published_at: datetime
    per_day_before: float
    per_day_after: float
    days_after: float

    @property
    def change(self) -> float | None:
        """-0.6: 60 % fewer complaints a day after publishing (None: none before to compare with)."""
        if self.per_day_before == 0:
            return None
        return self.per_day_after / self.per_day_before - 1.0


def incident_figures(session: Session, period: Period) -> IncidentFigures:
    live = and_(Incident.merged_into_id.is_(None), period.brand_is(Incident.brand))
    in_period = period.holds(Incident.created_at)
    opened = session.scalar(select(func.count()).select_from(Incident).where(live, in_period)) or 0
    resolved_rows = session.execute(
        select(Incident.created_at, Incident.updated_at).where(
            live,
            Incident.status.in_(RESOLVED),
            period.holds(Incident.updated_at),
        )
    ).all()
    still_open = select(func.count()).select_from(Incident).where(live, Incident.status.not_in(RESOLVED))
    open_now = session.scalar(still_open) or 0
    spans = sorted((as_utc(done) - as_utc(began)).total_seconds() for began, done in resolved_rows)
    return IncidentFigures(
        opened=int(opened), resolved=len(spans), open_now=int(open_now), median_resolve_s=median(spans)
    )


def article_effects(session: Session, period: Period, now: datetime) -> list[ArticleEffect]:
    query = (
        select(Article.slug, Article.title, Article.incident_id, Article.published_at)
        .where(
            Article.status == "published",
            Article.incident_id.is_not(None),
            period.holds(Article.published_at),
        )
        .order_by(Article.published_at)
    )
    effects = []
    for slug, title, incident_id, published_at in session.execute(query):
        if incident_id is None or published_at is None:  # excluded by the query; says so to the type checker
            continue
        published = as_utc(published_at)
        after_end = min(published + WINDOW, now)
        days_after = max((after_end - published).total_seconds() / 86400, 0.0)
        before = _complaints(session, incident_id, published - WINDOW, published)
        after = _complaints(session, incident_id, published, after_end) if days_after > 0 else 0
        effects.append(
            ArticleEffect(
                slug=slug,
                title=title,
                incident_id=incident_id,
                published_at=published,
                per_day_before=before / WINDOW.days,
                per_day_after=after / days_after if days_after else 0.0,
                days_after=round(days_after, 2),
            )
        )
    return effects


def _complaints(session: Session, incident_id: int, since: datetime, until: datetime) -> int:
    query = (
        select(func.count())
        .select_from(PostRecord)
        .where(
            PostRecord.incident_id == incident_id,
            PostRecord.is_brand.is_(False),
            PostRecord.complaint >= COMPLAINT_AT,
            PostRecord.created_at >= since,
            PostRecord.created_at < until,
        )
    )
    return int(session.scalar(query) or 0)
