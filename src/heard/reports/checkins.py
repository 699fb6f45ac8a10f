"""The "is it fixed for you?" check-ins' answers in a period (asked in the period): how many were asked,
answered, fixed and not fixed. Read from the inbox's `checkins` table by name (a sibling this package does not
import; decision 0008 lets reports read across)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from heard.db.base import Base
from heard.reports.period import Period


@dataclass(frozen=True, slots=True)
class CheckinFigures:
    asked: int = 0
    answered: int = 0
    fixed: int = 0
    not_fixed: int = 0

    @property
    def fixed_share(self) -> float | None:
        decided = self.fixed + self.not_fixed
        return self.fixed / decided if decided else None


def checkin_figures(session: Session, period: Period) -> CheckinFigures:
    table: Table = Base.metadata.tables["checkins"]
    rows = session.execute(
        select(table.c.answer, func.count())
        .where(period.holds(table.c.sent_at), table.c.message_id.is_not(None))
        .group_by(table.c.answer)
    ).all()
    counts = {str(answer or "waiting"): int(n) for answer, n in rows}
    return CheckinFigures(
        asked=sum(counts.values()),
        answered=sum(v for k, v in counts.items() if k != "waiting"),
        fixed=counts.get("fixed", 0),
        not_fixed=counts.get("not_fixed", 0),
    )
