"""SLA timers (pure, table-driven on a frozen clock) and stored breaches (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from heard.channels.models import Inbox
from heard.clock import FrozenClock
from heard.conversations.models import Conversation
from heard.inbox.models import SlaBreach
from heard.inbox.sla import (
    SlaTargets,
    breach_figures,
    load_targets,
    record_breaches,
    short_duration,
    sla_timer,
    state_of,
    timer,
)
from tests.web.factories import add_conversation

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
T = SlaTargets(first_response_s=900, next_response_s=3600)


@dataclass
class Conv:
    status: str = "open"
    waiting_since: datetime | None = None
    last_outgoing_at: datetime | None = None
    inbox_id: int | None = None


def ago(seconds: float) -> datetime:
    return NOW - timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("conversation", "expected"),
    [
        (Conv(waiting_since=None), None),
        (Conv(waiting_since=ago(60), status="resolved"), None),
        (Conv(waiting_since=ago(60), status="snoozed"), None),
        (Conv(waiting_since=ago(0)), ("first_response", 900, "ok")),
        (Conv(waiting_since=ago(60)), ("first_response", 840, "ok")),
        (Conv(waiting_since=ago(719)), ("first_response", 181, "ok")),
        (Conv(waiting_since=ago(720)), ("first_response", 180, "warning")),  # the last 20 % of 15 min
        (Conv(waiting_since=ago(899)), ("first_response", 1, "warning")),
        (Conv(waiting_since=ago(900)), ("first_response", 0, "breached")),
        (Conv(waiting_since=ago(4000)), ("first_response", -3100, "breached")),
        (Conv(waiting_since=ago(60), last_outgoing_at=ago(120)), ("next_response", 3540, "ok")),
        (Conv(waiting_since=ago(2880), last_outgoing_at=ago(3000)), ("next_response", 720, "warning")),
        (Conv(waiting_since=ago(3601), last_outgoing_at=ago(9000)), ("next_response", -1, "breached")),
        (Conv(waiting_since=ago(60), status="pending"), ("first_response", 840, "ok")),
    ],
)
def test_timer(conversation: Conv, expected: tuple[str, float, str] | None) -> None:
    result = timer(conversation, T, NOW)
    if expected is None:
        assert result is None
        return
    assert result is not None
    assert (result.kind, result.remaining_s, result.state) == expected
    assert result.due_at == conversation.waiting_since + timedelta(seconds=result.target_s)  # type: ignore[operator]


def test_timer_reads_naive_times_as_utc() -> None:
    naive = Conv(waiting_since=ago(60).replace(tzinfo=None))
    result = timer(naive, T, NOW)
    assert result is not None
    assert result.remaining_s == 840


@pytest.mark.parametrize(
    ("remaining", "target", "state"),
    [(1000, 1000, "ok"), (201, 1000, "ok"), (200, 1000, "warning"), (0.5, 1000, "warning"), (0, 1000, "breached")],
)
def test_state_of(remaining: float, target: int, state: str) -> None:
    assert state_of(remaining, target) == state


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(-5, "0 s"), (0, "0 s"), (59, "59 s"), (60, "1 min"), (3599, "59 min"), (3660, "1 h 01 min"), (200_000, "2 d")],
)
def test_short_duration(seconds: float, text: str) -> None:
    assert short_duration(seconds) == text


def test_labels() -> None:
    late = timer(Conv(waiting_since=ago(960)), T, NOW)
    soon = timer(Conv(waiting_since=ago(60), last_outgoing_at=ago(90)), T, NOW)
    assert late is not None
    assert late.label == "first reply overdue 1 min"
    assert soon is not None
    assert soon.label == "next reply due in 59 min"


def test_breaches_are_stored_once_per_missed_target(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    now = clock.now()
    with sessions.begin() as session:
        strict = Inbox(name="vip", sla_first_response_s=60, sla_next_response_s=120)
        session.add(strict)
        session.flush()
        late = add_conversation(session, now, waited=timedelta(minutes=20)).id  # default 15 min: breached
        fresh = add_conversation(session, now, waited=timedelta(minutes=5)).id  # not yet
        vip = add_conversation(session, now, waited=timedelta(minutes=5), inbox_id=strict.id).id  # 1 min: breached
        add_conversation(session, now, waited=timedelta(hours=3), status="resolved")
        answered = add_conversation(session, now, waited=timedelta(hours=2))
        answered.last_outgoing_at = now - timedelta(hours=3)  # answered once, then the customer wrote again
    with sessions.begin() as session:
        assert record_breaches(session, now) == 3
    with sessions.begin() as session:
        assert record_breaches(session, now) == 0, "a second sweep adds nothing"
        rows = {(b.conversation_id, b.kind): b for b in session.query(SlaBreach)}
    assert set(rows) == {(late, "first_response"), (vip, "first_response"), (answered.id, "next_response")}
    assert rows[(late, "first_response")].breached_at == now - timedelta(minutes=5)
    assert fresh not in {cid for cid, _ in rows}
    with sessions() as session:
        figures = breach_figures(session, now - timedelta(days=1), now + timedelta(seconds=1))
        assert (figures.first_response, figures.next_response, figures.conversations) == (2, 1, 3)
        assert figures.total == 3
        assert breach_figures(session, now - timedelta(days=2), now - timedelta(days=1)).total == 0


@dataclass
class PiledOn(Conv):
    priority: int = 100


def test_a_pileon_tightens_its_threads_target() -> None:
    """A thread with people piling on is not "due in 58 min": it gets a quarter of the target (at least 5 min)."""
    answered_once = timer(PiledOn(waiting_since=ago(60), last_outgoing_at=ago(120)), SlaTargets(), NOW)
    assert answered_once is not None
    assert (answered_once.target_s, answered_once.remaining_s) == (900, 840)
    first = timer(PiledOn(waiting_since=ago(60)), SlaTargets(), NOW)
    assert first is not None
    assert first.target_s == 300
    calm = timer(PiledOn(waiting_since=ago(60), priority=0), SlaTargets(), NOW)
    assert calm is not None
    assert calm.target_s == 900


def test_breaches_and_timers_read_business_hours_and_pileons(sessions: sessionmaker[Session]) -> None:
    """The stored breach is at the due time the queue showed: business hours pushed, a pile-on tightened."""
    friday_evening = datetime(2026, 1, 9, 16, 55, tzinfo=UTC)  # 16:55 in London (UTC in winter)
    with sessions.begin() as session:
        office = Inbox(
            name="office",
            sla_first_response_s=900,
            sla_next_response_s=3600,
            business_tz="Europe/London",
            business_days="12345",
            business_opens_min=9 * 60,
            business_closes_min=17 * 60,
        )
        session.add(office)
        session.flush()
        written = friday_evening + timedelta(minutes=1)
        weekend = add_conversation(session, written, waited=timedelta(minutes=1), inbox_id=office.id).id
        piled = add_conversation(session, NOW, waited=timedelta(minutes=5, seconds=1), priority=100).id
        calm = add_conversation(session, NOW, waited=timedelta(minutes=5, seconds=1)).id
        targets = load_targets(session)
        saturday = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
        shown = sla_timer(session.get_one(Conversation, weekend), targets, saturday)
        assert shown is not None
        assert shown.due_at == datetime(2026, 1, 12, 9, 10, tzinfo=UTC)
        assert shown.state == "ok"  # 10 business minutes left, although Monday is two days away
        monday = datetime(2026, 1, 12, 9, 8, tzinfo=UTC)
        assert sla_timer(session.get_one(Conversation, weekend), targets, monday).state == "warning"  # type: ignore[union-attr]
        piled_timer = sla_timer(session.get_one(Conversation, piled), targets, NOW)
        assert piled_timer is not None
        assert (piled_timer.target_s, piled_timer.state) == (300, "breached")
    with sessions.begin() as session:
        assert record_breaches(session, saturday) >= 2
        rows = {b.conversation_id: b for b in session.query(SlaBreach)}
    assert weekend not in rows, "nothing is owed over the weekend"
    assert rows[piled].due_at == NOW - timedelta(seconds=1), "the pile-on's tightened 5 minutes"
    assert rows[calm].due_at == NOW + timedelta(minutes=10) - timedelta(seconds=1), "the plain 15 minutes"
    with sessions.begin() as session:
        assert record_breaches(session, datetime(2026, 1, 12, 9, 11, tzinfo=UTC)) == 1
        stored = session.query(SlaBreach).filter_by(conversation_id=weekend).one()
        assert stored.due_at == datetime(2026, 1, 12, 9, 10, tzinfo=UTC)
