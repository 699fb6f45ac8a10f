"""How fast the brand answered: first response times and SLA compliance, per day and per network.

A conversation counts in the day of its first customer message. Its first response is the first reply that
actually went out (delivery state "sent": imported brand replies and published outbox replies; notes, drafts in
the outbox and failed sends answered nobody) at or after that message. Compliance is judged against the
conversation's inbox target (or the default), at the due time the queue showed (the inbox's business hours, a
pile-on's tightened target: heard.channels.sla_clock), and a conversation still unanswered past its due time is a
breach too, so a team cannot look compliant by not answering.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from heard.channels.models import Inbox
from heard.channels.sla_clock import due_at, stored_hours, tightened
from heard.clock import as_utc
from heard.conversations.models import Conversation, Message
from heard.reports.period import Period
from heard.reports.stats import median, percentile


@dataclass(frozen=True, slots=True)
class Answered:
    """One conversation's first customer message and first reply (None: unanswered)."""

    conversation_id: int
    network: str
    first_in: datetime
    first_reply: datetime | None
    target_s: int
    #: When the first response fell due (business hours and a pile-on's tightening counted).
    due_at: datetime

    @property
    def response_s(self) -> float | None:
        return None if self.first_reply is None else (self.first_reply - self.first_in).total_seconds()

    def breached(self, now: datetime) -> bool:
        return (self.first_reply if self.first_reply is not None else as_utc(now)) > self.due_at


@dataclass(slots=True)
class ResponseFigures:
    conversations: int = 0
    answered: int = 0
    median_first_response_s: float | None = None
    p90_first_response_s: float | None = None
    #: Share of conversations answered within their target (None: no conversation in the period).
    sla_compliance: float | None = None
    breaches: int = 0
    by_network: dict[str, dict[str, float | int | None]] = field(default_factory=dict)
    #: Per day: conversations opened, answered, median first response.
    by_day: dict[date, dict[str, float | int | None]] = field(default_factory=dict)


def first_responses(session: Session, period: Period, default_target_s: int) -> list[Answered]:
    m = Message.__table__
    opened = (
        select(m.c.conversation_id, func.min(m.c.created_at).label("first_in"))
        .where(m.c.direction == "incoming")
        .group_by(m.c.conversation_id)
        .subquery()
    )
    replied = (
        select(m.c.conversation_id, func.min(m.c.created_at).label("first_reply"))
        .join(opened, opened.c.conversation_id == m.c.conversation_id)
        .where(m.c.direction == "outgoing", m.c.delivery_state == "sent", m.c.created_at >= opened.c.first_in)
        .group_by(m.c.conversation_id)
        .subquery()
    )
    query = (
        select(
            Conversation.id,
            Conversation.network,
            opened.c.first_in,
            replied.c.first_reply,
            Inbox.sla_first_response_s,
            Conversation.priority,
            Inbox.business_tz,
            Inbox.business_days,
            Inbox.business_opens_min,
            Inbox.business_closes_min,
        )
        .join(opened, opened.c.conversation_id == Conversation.id)
        .outerjoin(replied, replied.c.conversation_id == Conversation.id)
        .outerjoin(Inbox, Inbox.id == Conversation.inbox_id)
        .where(period.holds(opened.c.first_in), period.brand_conversation(Conversation.id))
    )
    out = []
    for cid, network, first_in, first_reply, target, priority, *hours in session.execute(query):
        # The priority is the thread's now: a pile-on the radar caught is judged by the tightened target.
        target_s = tightened(target or default_target_s, priority or 0)
        out.append(
            Answered(
                conversation_id=cid,
                network=network,
                first_in=as_utc(first_in),
                first_reply=as_utc(first_reply) if first_reply is not None else None,
                target_s=target_s,
                due_at=due_at(first_in, target_s, stored_hours(*hours)),
            )
        )
    return out


def _summary(rows: list[Answered], now: datetime) -> dict[str, float | int | None]:
    times = sorted(r.response_s for r in rows if r.response_s is not None)
    breaches = sum(1 for r in rows if r.breached(now))
    return {
        "conversations": len(rows),
        "answered": len(times),
        "median_first_response_s": median(times),
        "p90_first_response_s": percentile(times, 90),
        "sla_compliance": (len(rows) - breaches) / len(rows) if rows else None,
        "breaches": breaches,
    }


def response_figures(rows: list[Answered], period: Period, now: datetime) -> ResponseFigures:
    whole = _summary(rows, now)
    figures = ResponseFigures(
        conversations=len(rows),
        answered=int(whole["answered"] or 0),
        median_first_response_s=whole["median_first_response_s"],
        p90_first_response_s=whole["p90_first_response_s"],
        sla_compliance=whole["sla_compliance"],
        breaches=int(whole["breaches"] or 0),
    )
    networks: dict[str, list[Answered]] = defaultdict(list)
    days: dict[date, list[Answered]] = defaultdict(list)
    for row in rows:
        networks[row.network].append(row)
        days[period.day_of(row.first_in)].append(row)
    figures.by_network = {name: _summary(group, now) for name, group in sorted(networks.items())}
    figures.by_day = {day: _summary(days.get(day, []), now) for day in period.days}
    return figures
