"""The time span a report covers, and its day buckets.

A report with no dates given covers the 30 days that end at the latest customer message (or now, if that is
later than now would allow): on a live system that is "the last 30 days", and on an imported archive it is the
archive's last month rather than an empty page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, func, select, true
from sqlalchemy.orm import Session

from heard.clock import as_utc
from heard.conversations.models import Message, PostRecord
from heard.errors import HeardError

DEFAULT_DAYS = 30
#: A longer span would draw unreadable charts and scan more than an interactive page should.
MAX_DAYS = 366


@dataclass(frozen=True, slots=True)
class Period:
    """[since, until) in UTC, whole days; of one brand's posts when `brand` is set (its slug)."""

    since: datetime
    until: datetime
    brand: str | None = None

    @property
    def days(self) -> list[date]:
        first = self.since.date()
        return [first + timedelta(days=n) for n in range((self.until - self.since).days)]

    def day_of(self, moment: datetime) -> date:
        return as_utc(moment).date()

    def holds(self, moment: SQLColumnExpression[Any]) -> ColumnElement[bool]:
        """SQL: `moment` falls in [since, until)."""
        return and_(moment >= self.since, moment < self.until)

    def brand_is(self, column: SQLColumnExpression[Any]) -> ColumnElement[bool]:
        """SQL: the row's brand column is the period's brand (always true for all brands)."""
        return true() if self.brand is None else column == self.brand

    def brand_conversation(self, conversation_id: SQLColumnExpression[Any]) -> ColumnElement[bool]:
        """SQL: the conversation holds a post addressed to the period's brand (always true for all brands)."""
        if self.brand is None:
            return true()
        mine = select(PostRecord.conversation_id).where(PostRecord.brand == self.brand)
        return conversation_id.in_(mine.scalar_subquery())


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def parse_day(value: str | None, name: str) -> date | None:
    """A day as typed by a person (YYYY-MM-DD); None for nothing; a clear error naming the field otherwise."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise HeardError(f"{name}: {value[:20]!r} is not a date like 2026-11-24") from exc


def choose_period(
    session: Session, now: datetime, since: date | None, until: date | None, brand: str | None = None
) -> Period:
    """The period asked for (inclusive dates), or the default one; a clear error for spans that make no sense."""
    if until is None:
        latest = session.scalar(select(func.max(Message.created_at)).where(Message.direction == "incoming"))
        last = min(as_utc(latest), now) if latest is not None else now
        until = last.date()
    if since is None:
        since = until - timedelta(days=DEFAULT_DAYS - 1)
    if since > until:
        raise HeardError(f"the period starts ({since}) after it ends ({until})")
    if (until - since).days + 1 > MAX_DAYS:
        raise HeardError(f"a report covers at most {MAX_DAYS} days; {since} to {until} is longer")
    return Period(_midnight(since), _midnight(until + timedelta(days=1)), brand)
