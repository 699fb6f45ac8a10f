"""`heard privacy erase`: afterwards nothing of the person is anywhere in the database (every table, every text
column, the search index, the SQL event log) while report counts stay; `heard privacy export` gives it all first."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, inspect, select, text
from typer.testing import CliRunner

from heard.app import Runtime, build_runtime
from heard.audit.models import AuditEntry
from heard.audit.trail import CLI
from heard.cli import build as build_cli
from heard.clock import FrozenClock
from heard.conversations.contacts import merge_contacts, merge_suggestions
from heard.conversations.models import Conversation, Message, PostRecord
from heard.conversations.search import matching_conversations, search_terms
from heard.ingest.models import DeadLetter
from heard.settings import Settings
from tests.privacy import scenario


@pytest.fixture
def runtime(db_url: str, tmp_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("HEARD_DATABASE_URL", db_url)
    monkeypatch.setenv("HEARD_EVENT_LOG", "sql")
    monkeypatch.setenv("HEARD_OUTBOX_DIR", str(tmp_path / "outbox"))
    rt = build_runtime(Settings(), clock=clock)
    yield rt
    rt.close()


def _needles() -> list[str]:
    return [scenario.HANDLE, scenario.NAME, scenario.AUTHOR_ID, *scenario.TEXTS, scenario.BAD_TEXT, "quuxophone"]


def _as_text(value: Any) -> str:
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, str):
        if "\\u" in value:  # JSON written with ASCII escapes: read it back to see the words
            try:
                return json.dumps(json.loads(value), ensure_ascii=False)
            except ValueError:
                return value
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def leftovers(runtime: Runtime) -> list[str]:
    """Every table, every column, every row: where any of the person's handles, names or words remain."""
    found = []
    needles = [n.lower() for n in _needles()]
    with runtime.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            quoted = conn.dialect.identifier_preparer.quote(table)
            for row in conn.execute(text(f"SELECT * FROM {quoted}")).mappings():
                for column, value in row.items():
                    if value is None:
                        continue
                    low = _as_text(value).lower()
                    found += [f"{table}.{column}: {n}" for n in needles if n in low]
    return found


def _cli(*args: str) -> Any:
    return CliRunner().invoke(build_cli(), list(args), catch_exceptions=False)


def test_erase_leaves_nothing_of_the_person_and_keeps_report_counts(runtime: Runtime, tmp_path: Path) -> None:
    scenario.build(runtime, tmp_path)
    with runtime.sessions.begin() as session:  # one person across two networks, merged by an agent
        (pair,) = merge_suggestions(session)
        merge_contacts(session, pair.keep_id, pair.other_id, by=CLI, now=runtime.clock.now(), reason=pair.reason)
    before = leftovers(runtime)
    # the world holds her everywhere the erasure must reach: posts, messages, contacts, the log, dead letters
    for place in (
        "posts.text",
        "messages.text",
        "contact_identities.handle",
        "log_records.payload",
        "dead_letters.raw",
    ):
        assert any(hit.startswith(place) for hit in before), place
    with runtime.sessions() as session:
        counts = _counts(session)
        assert session.execute(select(matching_conversations(session, search_terms("quuxophone")).exists())).scalar()

    result = _cli("privacy", "erase", "--handle", "@AnnaSolberg", "--yes", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["counts"]["posts"] == 3
    assert report["counts"]["withdrawn"] == 1
    assert report["counts"]["log_records"] > 0

    assert leftovers(runtime) == []
    with runtime.sessions() as session:
        for word in ("quuxophone", scenario.HANDLE, "solberg"):
            found = session.execute(select(matching_conversations(session, search_terms(word)).exists())).scalar()
            assert not found, word
        # the rows reports count stay: posts, conversations, messages, judgements
        assert _counts(session) == counts
        # the reply waiting to go to her is withdrawn, and the publisher will never take it
        states = set(session.scalars(select(Message.delivery_state).where(Message.direction == "outgoing")))
        assert "pending" not in states
        assert "withdrawn" in states
        # the stranger's post is kept, without her handle
        bob = session.scalars(select(PostRecord.text).where(PostRecord.external_id == "t4")).one()
        assert bob == "@[erased] same here, my charger melted too"
        # a customer who asked for nothing keeps everything
        assert (
            session.scalars(select(PostRecord.text).where(PostRecord.external_id == "t5")).one() == scenario.OTHER_TEXT
        )
        assert session.scalar(select(func.count()).select_from(DeadLetter)) == 0
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.erased")).one()
        assert entry.actor == "cli"
        assert entry.detail["counts"]["posts"] == 3


def _counts(session: Any) -> dict[str, Any]:
    return {
        "posts": session.scalar(select(func.count()).select_from(PostRecord)),
        "conversations": session.scalar(select(func.count()).select_from(Conversation)),
        "messages": session.scalar(select(func.count()).select_from(Message)),
        "complaints": session.scalar(select(func.count()).where(PostRecord.complaint >= 0.5)),
        "sentiments": sorted(str(s) for s in session.scalars(select(PostRecord.sentiment))),
    }


def test_export_holds_every_identity_post_and_conversation(runtime: Runtime, tmp_path: Path) -> None:
    scenario.build(runtime, tmp_path)
    out = tmp_path / "anna.json"
    result = _cli("privacy", "export", "--handle", scenario.HANDLE, "--out", str(out))
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["format"] == "heard.privacy.export/1"
    assert {i["network"] for i in document["identities"]} == {"twitter", "mastodon"}
    assert sorted(p["text"] for p in document["posts"]) == sorted(scenario.TEXTS)
    replies = [m for c in document["conversations"] for m in c["messages"] if m["direction"] == "outgoing"]
    assert any(scenario.NAME in m["text"] for m in replies)
    with runtime.sessions() as session:
        assert session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()[-1] == "privacy.exported"


def test_unknown_person_is_refused(runtime: Runtime) -> None:
    result = CliRunner().invoke(build_cli(), ["privacy", "erase", "--handle", "nobody_here", "--yes"])
    assert result.exit_code != 0
    assert "no contact with the handle" in result.output
