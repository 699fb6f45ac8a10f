"""What each pile-on cost: how long the brand took to answer the thread after the radar flagged it, and how many
new people (and how much reach) joined while it waited. The product's claim is that the wait drives the pile-on;
this puts the two side by side for every pile-on in the period."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from heard.alerts.models import Alert
from heard.clock import as_utc
from heard.conversations.models import Message, PostRecord
from heard.reports.period import Period
from heard.reports.stats import median

MAX_LISTED = 50


@dataclass(frozen=True, slots=True)
class PileonCost:
    alert_id: int
    conversation_id: int
    series_key: str
    started_at: datetime
    #: Seconds from the pile-on's start to the brand's first reply after it (None: still unanswered).
    answered_after_s: float | None
    #: Distinct customers who joined the thread between the start and the reply (or now).
    joined_while_waiting: int
    reach_while_waiting: int
    #: The pile-on's people as the alert counts them (`heard.alerts.wording.people`): one number everywhere.
    people: int = 0


@dataclass(frozen=True, slots=True)
class PileonFigures:
    count: int
    answered: int
    median_answer_s: float | None
    joined_while_waiting: int
    reach_while_waiting: int
    worst: list[PileonCost]


def pileon_costs(session: Session, period: Period, now: datetime) -> PileonFigures:
    query = (
        select(Alert.id, Alert.conversation_id, Alert.series_key, Alert.started_at, Alert.evidence)
        .where(
            Alert.kind == "pileon",
            Alert.conversation_id.is_not(None),
            period.holds(Alert.started_at),
            period.brand_is(Alert.brand),
        )
        .order_by(Alert.started_at)
    )
    costs = [
        replace(
            _cost(session, row.id, row.conversation_id, row.series_key, as_utc(row.started_at), now),
            people=_people(row.evidence),
        )
        for row in session.execute(query)
    ]
    waits = sorted(c.answered_after_s for c in costs if c.answered_after_s is not None)
    worst = sorted(costs, key=lambda c: (-c.joined_while_waiting, -c.reach_while_waiting, c.alert_id))
    return PileonFigures(
        count=len(costs),
        answered=len(waits),
        median_answer_s=median(waits),
        joined_while_waiting=sum(c.joined_while_waiting for c in costs),
        reach_while_waiting=sum(c.reach_while_waiting for c in costs),
        worst=worst[:MAX_LISTED],
    )


def _people(evidence: object) -> int:
    value = evidence.get("new_authors") if isinstance(evidence, dict) else None
    return int(value) if isinstance(value, int | float) else 0


def _cost(session: Session, alert_id: int, cid: int, series_key: str, started: datetime, now: datetime) -> PileonCost:
    reply = session.scalar(
        select(func.min(Message.created_at)).where(
            Message.conversation_id == cid,
            Message.direction == "outgoing",
            Message.delivery_state == "sent",
            Message.created_at >= started,
        )
    )
    until = as_utc(reply) if reply is not None else now
    joined = (
        select(PostRecord.author_id, func.max(func.coalesce(PostRecord.author_followers, 0)).label("followers"))
        .where(
            PostRecord.conversation_id == cid,
            PostRecord.is_brand.is_(False),
            PostRecord.created_at >= started,
            PostRecord.created_at < until,
        )
        .group_by(PostRecord.author_id)
        .subquery()
    )
    people, reach = session.execute(
        select(func.count(), func.coalesce(func.sum(joined.c.followers), 0)).select_from(joined)
    ).one()
    return PileonCost(
        alert_id=alert_id,
        conversation_id=cid,
        series_key=series_key,
        started_at=started,
        answered_after_s=(until - started).total_seconds() if reply is not None else None,
        joined_while_waiting=int(people),
        reach_while_waiting=int(reach),
    )
