"""The SQL event log's retention: only old records every group has fetched and acknowledged go; the newest of a
topic stays, so offsets keep growing and consumers carry on where they were (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from heard.cli import build
from heard.clock import FrozenClock
from heard.stream.base import OutMessage
from heard.stream.sql_log import SqlLog

DAY = 86_400.0


def _messages(prefix: str, n: int) -> list[OutMessage]:
    return [OutMessage(f"{prefix}{i}", f"{prefix}{i}".encode()) for i in range(n)]


def test_prune_keeps_what_a_group_still_needs_and_the_newest_record(engine: Engine, clock: FrozenClock) -> None:
    log = SqlLog(engine, clock)
    offsets = log.append("t", _messages("a", 6))
    first = log.consume("t", "g", 4)
    log.ack("t", "g", [r.offset for r in first[:3]])  # the fourth stays pending (unacked)
    log.append("quiet", _messages("q", 2))  # no consumer group: age alone decides, bar the newest
    head = log.head("t")
    clock.advance(8 * DAY)
    removed = log.prune(clock.now() - timedelta(days=7))
    assert removed == {"t": 3, "quiet": 1}
    assert [r.offset for r in log.read("t", 0, 100)] == offsets[3:]
    assert log.head("t") == head
    clock.advance(60)  # past ack_wait: the unacked record comes back, then the ones never fetched
    again = log.consume("t", "g", 10)
    assert [r.offset for r in again] == offsets[3:]
    later = log.append("t", _messages("b", 1))
    assert later[0] is not None
    assert later[0] > head


def test_nothing_recent_is_pruned(engine: Engine, clock: FrozenClock) -> None:
    log = SqlLog(engine, clock)
    log.append("t", _messages("a", 3))
    log.ack("t", "g", [r.offset for r in log.consume("t", "g", 3)])
    clock.advance(DAY)
    assert log.prune(clock.now() - timedelta(days=7)) == {"t": 0}


def test_log_prune_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARD_DATABASE_URL", f"sqlite:///{tmp_path / 'log.db'}")
    cli, runner = build(), CliRunner()
    assert runner.invoke(cli, ["init"]).exit_code == 0
    result = runner.invoke(cli, ["log", "prune", "--older-than-days", "0", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"removed": {}}
    refused = runner.invoke(cli, ["log", "prune", "--older-than-days", "-1"])
    assert refused.exit_code != 0
