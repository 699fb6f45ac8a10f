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
from heard.db.engine import make_engine
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


def test_an_abandoned_group_holds_back_pruning_until_it_is_dropped(engine: Engine, clock: FrozenClock) -> None:
    log = SqlLog(engine, clock)
    log.append("t", _messages("a", 5))
    log.ack("t", "live", [r.offset for r in log.consume("t", "live", 5)])
    log.consume("t", "gone", 2)  # fetched two, never acknowledged them, never came back
    clock.advance(8 * DAY)
    assert log.prune(clock.now() - timedelta(days=7)) == {"t": 0}
    by_name = {g.group: g for g in log.groups()}
    assert (by_name["live"].lag, by_name["live"].pending) == (0, 0)
    assert (by_name["gone"].lag, by_name["gone"].pending) == (5, 2)
    assert log.drop_group("t", "gone") is True
    assert log.drop_group("t", "gone") is False
    assert [g.group for g in log.groups()] == ["live"]
    assert log.prune(clock.now() - timedelta(days=7)) == {"t": 4}


def test_log_groups_and_drop_group_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'log.db'}"
    monkeypatch.setenv("HEARD_DATABASE_URL", url)
    cli, runner = build(), CliRunner()
    assert runner.invoke(cli, ["init"]).exit_code == 0
    eng = make_engine(url)
    log = SqlLog(eng)
    log.append("posts.raw", _messages("p", 3))
    log.consume("posts.raw", "old-worker", 3)
    eng.dispose()
    listed = runner.invoke(cli, ["log", "groups", "--json"])
    assert listed.exit_code == 0, listed.output
    [group] = json.loads(listed.output)["groups"]
    assert (group["topic"], group["group"], group["lag"], group["pending"]) == ("posts.raw", "old-worker", 3, 3)
    assert runner.invoke(cli, ["log", "drop-group", "posts.raw", "old-worker"]).exit_code == 0
    missing = runner.invoke(cli, ["log", "drop-group", "posts.raw", "old-worker"])
    assert missing.exit_code == 1
    assert "no consumer group" in missing.output
    assert json.loads(runner.invoke(cli, ["log", "groups", "--json"]).output) == {"groups": []}
