"""Response-time targets (SLAs): how long a customer may wait for the brand's first answer, and for the next one
after they write again.

The timer runs from `waiting_since` (the oldest unanswered customer message): first response while the brand
has never answered the conversation, next response after. Resolved and snoozed conversations have no timer.
An inbox with business hours counts only those (heard.channels.sla_clock), and a thread caught in a pile-on
gets a tightened target; the timers, the stored breaches and the reports all read the same due time.
`timer` is pure (pass the clock's now); `record_breaches` stores each missed target once, for reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from heard.channels.models import Inbox
from heard.channels.sla_clock import PILEON_PRIORITY, BusinessHours, business_seconds, due_at, stored_hours, tightened
from heard.clock import as_utc
from heard.conversations.models import Conversation
from heard.db.bulk import insert_rows
from heard.inbox.models import SlaBreach
from heard.inbox.reasons import waited

SlaKind = Literal["first_response", "next_response"]
SlaState = Literal["ok", "warning", "breached"]
#: The share of the target left when the timer turns to "warning".
WARNING_FRACTION = 0.2
PAUSED_STATUSES = frozenset({"resolved", "snoozed"})


class Waiting(Protocol):
    """What a timer reads from a conversation (a Conversation row satisfies it)."""

    @property
    def status(self) -> str: ...
    @property
    def waiting_since(self) -> datetime | None: ...
    @property
    def last_outgoing_at(self) -> datetime | None: ...
    @property
    def inbox_id(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class SlaTargets:
    """Seconds allowed for the first and the next response (the inbox's, or these defaults), counted in the
    inbox's business hours when it has them."""

    first_response_s: int = 900
    next_response_s: int = 3600
    hours: BusinessHours | None = None


@dataclass(frozen=True, slots=True)
class SlaTimer:
    kind: SlaKind
    due_at: datetime
    remaining_s: float  # negative once breached
    state: SlaState
    target_s: int

    @property
    def label(self) -> str:
        what = "first reply" if self.kind == "first_response" else "next reply"
        if self.state == "breached":
            return f"{what} overdue {short_duration(-self.remaining_s)}"
        return f"{what} due in {short_duration(self.remaining_s)}"


def short_duration(seconds: float) -> str:
    return waited(seconds, padded=True)


def timer(conversation: Waiting, targets: SlaTargets, now: datetime) -> SlaTimer | None:
    """The running timer, or None when nothing is owed (answered, resolved, snoozed). A pile-on (priority from
    the radar) tightens the target: a thread with a dozen people piling on is not "due in 58 min"."""
    if conversation.waiting_since is None or conversation.status in PAUSED_STATUSES:
        return None
    first = conversation.last_outgoing_at is None
    kind: SlaKind = "first_response" if first else "next_response"
    target = tightened(targets.first_response_s if first else targets.next_response_s, _priority(conversation))
    due = due_at(conversation.waiting_since, target, targets.hours)
    remaining = (due - as_utc(now)).total_seconds()
    # The warning reads business time left: a target due at 09:10 tomorrow is not "ok" at 16:58 today.
    left = remaining if remaining <= 0 else max(business_seconds(now, due, targets.hours), 1e-6)
    return SlaTimer(kind, due, remaining, state_of(left, target), target)


def _priority(conversation: Waiting) -> int:
    return int(getattr(conversation, "priority", 0) or 0)


def state_of(remaining_s: float, target_s: int, warning_fraction: float = WARNING_FRACTION) -> SlaState:
    if remaining_s <= 0:
        return "breached"
    if remaining_s <= target_s * warning_fraction:
        return "warning"
    return "ok"


def load_targets(session: Session) -> dict[int | None, SlaTargets]:
    """Every inbox's targets; the key None holds the defaults for conversations in no inbox."""
    targets: dict[int | None, SlaTargets] = {None: SlaTargets()}
    i = Inbox
    for inbox_id, first, following, tz, days, opens, closes in session.execute(
        select(
            i.id,
            i.sla_first_response_s,
            i.sla_next_response_s,
            i.business_tz,
            i.business_days,
            i.business_opens_min,
            i.business_closes_min,
        )
    ):
        targets[inbox_id] = SlaTargets(first or 900, following or 3600, stored_hours(tz, days, opens, closes))
    return targets


def targets_for(targets: dict[int | None, SlaTargets], conversation: Waiting) -> SlaTargets:
    return targets.get(conversation.inbox_id) or targets[None]


def sla_timer(
    conversation: Waiting, targets: SlaTargets | dict[int | None, SlaTargets] | None, now: datetime
) -> SlaTimer | None:
    """`timer` with the targets as a page has them: one inbox's, every inbox's (from load_targets), or none."""
    if isinstance(targets, dict):
        targets = targets_for(targets, conversation)
    return timer(conversation, targets or SlaTargets(), now)


def record_breaches(session: Session, now: datetime, limit: int = 5000) -> int:
    """Store each target missed so far and not stored yet (one row per conversation, kind and due time, so a
    second sweep adds nothing), at the due time the queue showed: business hours and pile-ons included.
    Returns how many it added."""
    added = 0
    for inbox_id, targets in load_targets(session).items():
        for first, piled_on in ((True, False), (True, True), (False, False), (False, True)):
            base = targets.first_response_s if first else targets.next_response_s
            target = tightened(base, PILEON_PRIORITY if piled_on else 0)
            # Business hours only push a due time later, so a wall-clock cut finds every candidate; oldest first,
            # the first one not due yet ends the run (the due time grows with waiting_since).
            breaches = []
            for cid, since in _overdue(session, inbox_id, first, piled_on, now - timedelta(seconds=target), limit):
                due = due_at(since, target, targets.hours)
                if due > as_utc(now):
                    break
                kind = "first_response" if first else "next_response"
                breaches.append({"conversation_id": cid, "kind": kind, "due_at": due, "breached_at": due})
            insert_rows(session, SlaBreach, breaches)
            added += len(breaches)
    return added


def _overdue(
    session: Session, inbox_id: int | None, first: bool, piled_on: bool, waiting_before: datetime, limit: int
) -> list[tuple[int, datetime]]:
    c = Conversation
    kind = "first_response" if first else "next_response"
    recorded = exists().where(
        and_(SlaBreach.conversation_id == c.id, SlaBreach.kind == kind, SlaBreach.breached_at > c.waiting_since)
    )
    query = select(c.id, c.waiting_since).where(
        c.inbox_id.is_(None) if inbox_id is None else c.inbox_id == inbox_id,
        c.waiting_since.is_not(None),
        c.waiting_since <= waiting_before,
        c.status.not_in(PAUSED_STATUSES),
        c.last_outgoing_at.is_(None) if first else c.last_outgoing_at.is_not(None),
        c.priority >= PILEON_PRIORITY if piled_on else c.priority < PILEON_PRIORITY,
        ~recorded,
    )
    rows = session.execute(query.order_by(c.waiting_since, c.id).limit(limit))
    return [(cid, since) for cid, since in rows if since is not None]


@dataclass(frozen=True, slots=True)
class BreachFigures:
    """Breaches in a period, for reports: how many per kind, and how many conversations missed any."""

    first_response: int
    next_response: int
    conversations: int

    @property
    def total(self) -> int:
        return self.first_response + self.next_response


def breach_figures(session: Session, start: datetime, end: datetime) -> BreachFigures:
    """Breaches whose target fell in [start, end)."""
    in_period = and_(SlaBreach.breached_at >= start, SlaBreach.breached_at < end)
    counts = dict(session.execute(select(SlaBreach.kind, func.count()).where(in_period).group_by(SlaBreach.kind)).all())
    conversations = session.execute(
        select(func.count(func.distinct(SlaBreach.conversation_id))).where(in_period)
    ).scalar_one()
    return BreachFigures(counts.get("first_response", 0), counts.get("next_response", 0), int(conversations))
