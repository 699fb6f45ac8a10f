"""Rules run on each stored post in the pipeline (tag, team, priority, snooze, notify), and the preview counts
what a rule would have matched over the recent week, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from heard.accounts.models import Team
from heard.app import Runtime
from heard.audit.trail import CLI
from heard.conversations.models import Conversation
from heard.events import EVENTS_TOPIC, decode_event
from heard.rules.conditions import Conditions
from heard.rules.engine import preview
from heard.rules.manage import create_rule, update_rule
from heard.rules.models import Rule
from heard.rules.tags import tags_for
from tests.audit.test_audit import runtime
from tests.privacy import scenario

__all__ = ["runtime"]


def _rules(runtime: Runtime) -> int:
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        team = Team(name="Hardware")
        session.add(team)
        session.flush()
        create_rule(
            session,
            "Melting chargers",
            {"keywords": "quuxophone", "complaint": None},
            {"tags": "hardware, safety", "priority": 2, "notify": True, "team_id": team.id},
            by=CLI,
            now=now,
        )
        create_rule(session, "Mastodon later", {"networks": "mastodon"}, {"snooze_hours": 4}, by=CLI, now=now)
        off = create_rule(session, "Switched off", {"networks": "twitter"}, {"tags": "never"}, by=CLI, now=now)
        update_rule(session, off.id, by=CLI, now=now, enabled=False)
        return team.id


def test_rules_act_on_each_stored_post(runtime: Runtime, tmp_path: Path) -> None:
    team_id = _rules(runtime)
    scenario.build(runtime, tmp_path)
    with runtime.sessions() as session:
        by_root = {c.root_external_id: c for c in session.scalars(select(Conversation))}
        tags = tags_for(session, [c.id for c in by_root.values()])
        anna = by_root["t1"]
        assert tags[anna.id] == ["hardware", "safety"]
        assert anna.priority >= 2
        assert anna.team_id == team_id
        assert by_root["m1"].status == "snoozed"
        assert by_root["m1"].snoozed_until == runtime.clock.now() + timedelta(hours=4)
        assert by_root["t5"].id not in tags  # Carl wrote about his bill
        assert "never" not in {t for ts in tags.values() for t in ts}
        counts = dict(session.execute(select(Rule.name, Rule.matched)).all())
        assert counts == {"Melting chargers": 2, "Mastodon later": 1, "Switched off": 0}
    matched = [
        data
        for name, data in (decode_event(r.payload) for r in runtime.log.read(EVENTS_TOPIC, 0, 10_000))
        if name == "rule.matched"
    ]
    assert [(m["rule_name"], m["conversation_id"]) for m in matched] == [("Melting chargers", anna.id)] * 2


def test_preview_counts_the_week_before_saving(runtime: Runtime, tmp_path: Path) -> None:
    scenario.build(runtime, tmp_path)
    with runtime.sessions() as session:
        result = preview(session, Conditions.from_json({"keywords": "quuxophone"}))
        assert (result.matched, result.conversations, result.seen) == (2, 1, 5)
        assert result.samples == [scenario.TEXTS[1], scenario.TEXTS[0]]
        assert preview(session, Conditions.from_json({"keywords": "charger"})).matched == 2  # Anna and Bob
        assert session.scalars(select(Rule)).all() == []  # previewing saves nothing
