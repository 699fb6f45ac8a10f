"""Reports per agent and per team, per day: first responses, resolutions, replies, the coach's scores, and the
share of customers turned from negative to positive; every table exports as CSV.

A conversation counts for the agent who wrote its first reply that went out (first response and sentiment
shift), on the day of its first customer message; a resolution counts for whoever resolved it (the audit
trail's `conversation.status_changed`, so resolutions before the trail began are not attributed); replies and
coach scores count on the day the reply was written. The coach's reviews are read from their table by name
(`reply_reviews`, the inbox's, a sibling this package does not import; decision 0008 lets reports read across).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from heard.accounts.models import Agent, Team
from heard.audit.models import AuditEntry
from heard.audit.trail import safe_cell
from heard.clock import as_utc
from heard.conversations.models import Conversation, Message
from heard.db.base import Base
from heard.reports.period import Period
from heard.reports.responses import Answered, first_responses
from heard.reports.sentiment_shift import sentiment_shift
from heard.reports.stats import median

COLUMNS = (
    "conversations_answered",
    "median_first_response_s",
    "resolved",
    "median_resolution_s",
    "replies",
    "mean_coach_score",
    "compared",
    "negative_to_positive",
    "share_negative_to_positive",
)


@dataclass
class _Cell:
    first_responses: list[float] = field(default_factory=list)
    resolutions: list[float] = field(default_factory=list)
    replies: int = 0
    scores: list[int] = field(default_factory=list)
    answered: list[Answered] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a table: `who` is the agent's or team's name, `day` None for the whole period."""

    who: str
    who_id: int | None
    day: date | None
    figures: dict[str, float | int | None]


@dataclass(frozen=True, slots=True)
class AgentReport:
    period: Period
    agents: list[Row]
    teams: list[Row]
    agents_by_day: list[Row]
    teams_by_day: list[Row]


def _first_reply_authors(session: Session, ids: list[int]) -> dict[int, int]:
    """The agent who wrote each conversation's first reply that went out (agents only: imported brand replies
    have none)."""
    out: dict[int, int | None] = {}
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(Message.conversation_id, Message.agent_id)
            .where(
                Message.conversation_id.in_(ids[start : start + 500]),
                Message.direction == "outgoing",
                Message.delivery_state == "sent",
            )
            .order_by(Message.conversation_id, Message.created_at, Message.id)
        )
        for cid, agent_id in rows:
            out.setdefault(cid, agent_id)
    return {cid: a for cid, a in out.items() if a is not None}


def _cells(session: Session, period: Period, default_target_s: int) -> dict[tuple[int, date], _Cell]:
    cells: dict[tuple[int, date], _Cell] = defaultdict(_Cell)
    answered = [a for a in first_responses(session, period, default_target_s) if a.first_reply is not None]
    authors = _first_reply_authors(session, [a.conversation_id for a in answered])
    for a in answered:
        if (agent := authors.get(a.conversation_id)) is not None and a.response_s is not None:
            cell = cells[(agent, period.day_of(a.first_in))]
            cell.first_responses.append(a.response_s)
            cell.answered.append(a)
    sent = session.execute(
        select(Message.agent_id, Message.created_at)
        .where(Message.direction == "outgoing", Message.agent_id.is_not(None), period.holds(Message.created_at))
        .where(Message.delivery_state.in_(("sent", "pending", "sending", "held")))
    )
    for agent, at in sent:
        cells[(int(agent or 0), period.day_of(at))].replies += 1
    reviews: Table = Base.metadata.tables["reply_reviews"]
    scored = session.execute(
        select(reviews.c.agent_id, reviews.c.created_at, reviews.c.score).where(
            reviews.c.agent_id.is_not(None), reviews.c.message_id.is_not(None), period.holds(reviews.c.created_at)
        )
    )
    for agent, at, score in scored:
        cells[(int(agent), period.day_of(at))].scores.append(int(score))
    _resolutions(session, period, cells)
    return cells


def _resolutions(session: Session, period: Period, cells: dict[tuple[int, date], _Cell]) -> None:
    resolved = session.execute(
        select(AuditEntry.actor_id, AuditEntry.at, AuditEntry.subject_id).where(
            AuditEntry.action == "conversation.status_changed",
            AuditEntry.actor_id.is_not(None),
            AuditEntry.detail["status"].as_string() == "resolved",
            period.holds(AuditEntry.at),
        )
    ).all()
    ids = [int(s) for _, _, s in resolved if s.isdigit()]
    opened = dict(
        session.execute(select(Conversation.id, Conversation.created_at).where(Conversation.id.in_(ids))).all()
    )
    for agent, at, subject in resolved:
        started = opened.get(int(subject)) if subject.isdigit() else None
        if started is None:
            continue
        cells[(int(agent or 0), period.day_of(at))].resolutions.append((as_utc(at) - as_utc(started)).total_seconds())


def _figures(session: Session, cell: _Cell) -> dict[str, float | int | None]:
    shift = sentiment_shift(session, cell.answered) if cell.answered else None
    compared = shift.compared if shift else 0
    turned = shift.unhappy_to_loyal if shift else 0
    return {
        "conversations_answered": len(cell.first_responses),
        "median_first_response_s": _round(median(sorted(cell.first_responses))),
        "resolved": len(cell.resolutions),
        "median_resolution_s": _round(median(sorted(cell.resolutions))),
        "replies": cell.replies,
        "mean_coach_score": _round(sum(cell.scores) / len(cell.scores)) if cell.scores else None,
        "compared": compared,
        "negative_to_positive": turned,
        "share_negative_to_positive": round(turned / compared, 4) if compared else None,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _merge(cells: Iterable[_Cell]) -> _Cell:
    out = _Cell()
    for c in cells:
        out.first_responses += c.first_responses
        out.resolutions += c.resolutions
        out.replies += c.replies
        out.scores += c.scores
        out.answered += c.answered
    return out


def agent_report(session: Session, period: Period, default_target_s: int) -> AgentReport:
    cells = _cells(session, period, default_target_s)
    agents = {a.id: a for a in session.scalars(select(Agent))}
    teams = {t.id: t.name for t in session.scalars(select(Team))}

    def team_of(agent_id: int) -> int | None:
        agent = agents.get(agent_id)
        return agent.team_id if agent is not None else None

    def name(agent_id: int) -> str:
        agent = agents.get(agent_id)
        return agent.name if agent is not None else f"agent {agent_id}"

    by_agent: dict[int, list[_Cell]] = defaultdict(list)
    by_team_day: dict[tuple[int | None, date], list[_Cell]] = defaultdict(list)
    by_team: dict[int | None, list[_Cell]] = defaultdict(list)
    for (agent_id, day), cell in cells.items():
        by_agent[agent_id].append(cell)
        by_team_day[(team_of(agent_id), day)].append(cell)
        by_team[team_of(agent_id)].append(cell)

    def team_name(team_id: int | None) -> str:
        return teams.get(team_id, "no team") if team_id is not None else "no team"

    return AgentReport(
        period=period,
        agents=sorted(
            (Row(name(a), a, None, _figures(session, _merge(cs))) for a, cs in by_agent.items()), key=lambda r: r.who
        ),
        teams=sorted(
            (Row(team_name(t), t, None, _figures(session, _merge(cs))) for t, cs in by_team.items()),
            key=lambda r: r.who,
        ),
        agents_by_day=sorted(
            (Row(name(a), a, d, _figures(session, c)) for (a, d), c in cells.items()),
            key=lambda r: (r.day or date.min, r.who),
        ),
        teams_by_day=sorted(
            (Row(team_name(t), t, d, _figures(session, _merge(cs))) for (t, d), cs in by_team_day.items()),
            key=lambda r: (r.day or date.min, r.who),
        ),
    )


def rows_csv(rows: Sequence[Row], who: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["day", who, f"{who}_id", *COLUMNS])
    for row in rows:
        day = row.day.isoformat() if row.day else "period"
        writer.writerow([day, safe_cell(row.who), safe_cell(row.who_id), *(safe_cell(row.figures[c]) for c in COLUMNS)])
    return out.getvalue()


CONVERSATION_COLUMNS = (
    "id",
    "network",
    "status",
    "priority",
    "assignee_id",
    "team_id",
    "incident_id",
    "customer_handle",
    "first_customer_text",
    "incoming_count",
    "outgoing_count",
    "created_at",
    "last_activity_at",
    "waiting_since",
)


def conversations_csv(session: Session, period: Period) -> str:
    """Every conversation opened in the period, one a line (the customer's first words included)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CONVERSATION_COLUMNS)
    query = select(Conversation).where(period.holds(Conversation.created_at)).order_by(Conversation.id)
    for c in session.scalars(query.execution_options(yield_per=1000)):
        values: list[Any] = []
        for column in CONVERSATION_COLUMNS:
            value = getattr(c, column)
            values.append(value.isoformat() if isinstance(value, datetime) else safe_cell(value))
        writer.writerow(values)
    return out.getvalue()
