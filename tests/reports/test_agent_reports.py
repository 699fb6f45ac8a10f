"""Reports per agent and team, per day: first response, resolution, replies, coach scores, negative turned
positive; CSV of each table and of conversations (both databases)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from heard.accounts.agents import add_agent, identity
from heard.accounts.models import Team
from heard.app import Runtime, build_runtime
from heard.clock import FrozenClock
from heard.conversations.models import Message, PostRecord
from heard.inbox.outbox import Author, queue_reply, record_sent
from heard.inbox.workflow import set_status
from heard.reports.agents import agent_report, conversations_csv, rows_csv
from heard.reports.period import choose_period
from heard.settings import Settings
from tests.audit.test_audit import _client
from tests.web.factories import add_conversation, add_message

START = datetime(2026, 12, 1, 9, tzinfo=UTC)


@pytest.fixture
def runtime(db_url: str, tmp_path: Path) -> Iterator[Runtime]:
    settings = Settings(env="test", database_url=db_url, event_log="memory", outbox_dir=tmp_path, _env_file=None)
    rt = build_runtime(settings, clock=FrozenClock(START))
    yield rt
    rt.close()


def _world(runtime: Runtime) -> tuple[int, int]:
    """Ana (team Care) answers two customers on day 1 in 10 and 30 minutes, one turns positive, she resolves one;
    Bo (no team) answers one customer on day 2 in 60 minutes."""
    clock = runtime.clock
    assert isinstance(clock, FrozenClock)
    with runtime.sessions.begin() as session:
        team = Team(name="Care")
        session.add(team)
        session.flush()
        ana, _ = add_agent(session, "ana@example.com", "agent", START, "a long enough password", name="Ana Lima")
        bo, _ = add_agent(session, "bo@example.com", "agent", START, "a long enough password", name="Bo Berg")
        ana.team_id = team.id
        plan = [
            (ana, START, 10, True),
            (ana, START + timedelta(hours=1), 30, False),
            (bo, START + timedelta(days=1), 60, False),
        ]
        for n, (agent, opened, minutes, turns) in enumerate(plan):
            c = add_conversation(session, opened + timedelta(minutes=30), f"cust{n}", "my card was charged twice")
            first = session.scalars(select(Message).where(Message.conversation_id == c.id)).one()
            first.created_at = opened
            session.flush()
            clock.set(opened + timedelta(minutes=minutes))
            queued = queue_reply(
                session,
                c.id,
                f"Hi cust{n}, sorry, the refund is on its way. Thanks, {agent.name}",
                clock=clock,
                author=Author(agent.id, agent.name),
            )
            queued.message.delivery_state = "sending"  # as the publisher's claim leaves it
            record_sent(session, queued.message.id, f"sent-{n}")
            if turns:
                add_message(
                    session,
                    c,
                    "incoming",
                    "it works now, thanks!",
                    f"cust{n}",
                    opened + timedelta(minutes=minutes + 5),
                    sentiment="positive",
                )
                set_status(session, c.id, "resolved", identity(agent), opened + timedelta(hours=2))
        # the first customer message of each was negative
        for post in session.scalars(select(PostRecord).where(PostRecord.text == "my card was charged twice")):
            post.sentiment = "negative"
        return ana.id, bo.id


def test_per_agent_and_team_figures(runtime: Runtime) -> None:
    ana, _ = _world(runtime)
    with runtime.sessions() as session:
        period = choose_period(session, START + timedelta(days=3), START.date(), (START + timedelta(days=2)).date())
        report = agent_report(session, period, 3600)
    by_agent = {r.who: r.figures for r in report.agents}
    assert by_agent["Ana Lima"]["conversations_answered"] == 2
    assert by_agent["Ana Lima"]["median_first_response_s"] == 600.0  # nearest rank: a time that occurred
    assert by_agent["Ana Lima"]["replies"] == 2
    assert by_agent["Ana Lima"]["resolved"] == 1
    assert by_agent["Ana Lima"]["median_resolution_s"] == 7200.0
    assert by_agent["Ana Lima"]["negative_to_positive"] == 1
    assert by_agent["Ana Lima"]["share_negative_to_positive"] == 1.0
    assert isinstance(by_agent["Ana Lima"]["mean_coach_score"], float)
    assert by_agent["Bo Berg"]["median_first_response_s"] == 3600.0
    assert {r.who: r.figures["replies"] for r in report.teams} == {"Care": 2, "no team": 1}
    days = [(r.day.isoformat() if r.day else "", r.who) for r in report.agents_by_day]
    assert days == [("2026-12-01", "Ana Lima"), ("2026-12-02", "Bo Berg")]
    table = list(csv.reader(io.StringIO(rows_csv(report.agents_by_day, "agent"))))
    assert table[0][:4] == ["day", "agent", "agent_id", "conversations_answered"]
    assert table[1][:3] == ["2026-12-01", "Ana Lima", str(ana)]
    with runtime.sessions() as session:
        lines = list(csv.reader(io.StringIO(conversations_csv(session, period))))
    assert len(lines) == 4
    assert lines[1][7] == "cust0"


def test_the_page_and_every_csv(runtime: Runtime) -> None:
    _world(runtime)
    viewer = _client(runtime, "v@example.com", "viewer")
    dates = "since=2026-12-01&until=2026-12-03"
    page = viewer.get(f"/reports/agents?{dates}")
    assert page.status_code == 200
    assert "Ana Lima" in page.text
    assert "1 of 1 (100%)" in page.text
    for table in ("agents", "teams", "agents_by_day", "teams_by_day"):
        got = viewer.get(f"/reports/agents.csv?table={table}&{dates}")
        assert got.headers["content-type"].startswith("text/csv"), table
        assert len(got.text.strip().splitlines()) >= 2, table
    assert viewer.get(f"/reports/agents.csv?table=secrets&{dates}").status_code == 400
    assert len(viewer.get(f"/reports/conversations.csv?{dates}").text.strip().splitlines()) == 4
    for table, first in (("by_day", "day"), ("by_network", "network"), ("sentiment", "before")):
        got = viewer.get(f"/reports/outcomes.csv?table={table}&{dates}")
        assert got.status_code == 200
        assert got.text.splitlines()[0].split(",")[0] == first, table
    assert viewer.get(f"/reports/outcomes.csv?table=secrets&{dates}").status_code == 400
