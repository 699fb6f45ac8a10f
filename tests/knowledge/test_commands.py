"""`heard kb draft`, `publish` and `export` from the command line, on a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from heard.app import build_runtime
from heard.cli import build
from heard.events import EVENTS_TOPIC, decode_event
from heard.settings import Settings
from tests.knowledge.factories import add_incident


def test_draft_publish_twice_and_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARD_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("HEARD_PUBLIC_URL", "https://help.example.com/kb")
    monkeypatch.chdir(tmp_path)
    runtime = build_runtime(Settings())
    with runtime.sessions.begin() as session:
        incident_id = add_incident(session, runtime.clock).id
    runtime.close()
    cli, runner = build(), CliRunner()

    drafted = runner.invoke(cli, ["kb", "draft", str(incident_id)])
    assert drafted.exit_code == 0, drafted.output
    slug = drafted.output.split("draft created: ")[1].split()[0]
    listed = json.loads(runner.invoke(cli, ["kb", "list", "--json"]).output)
    assert listed["articles"][0]["status"] == "draft"

    first = json.loads(runner.invoke(cli, ["kb", "publish", slug, "--json"]).output)
    assert first == {"slug": slug, "url": f"https://help.example.com/kb/articles/{slug}/", "followups_queued": 3}
    second = json.loads(runner.invoke(cli, ["kb", "publish", slug, "--json"]).output)
    assert second["followups_queued"] == 0
    runtime = build_runtime(Settings())
    announced = [decode_event(r.payload) for r in runtime.log.read(EVENTS_TOPIC, 0, 100)]
    runtime.close()
    # once, for the first publish only: the article, and each conversation that got a follow-up
    assert [name for name, _ in announced] == ["article.published"] + ["conversation.updated"] * 3

    exported = json.loads(runner.invoke(cli, ["kb", "export", "site", "--json"]).output)
    assert exported["articles"] == 1
    assert (tmp_path / "site" / "articles" / slug / "index.html").is_file()
    assert runner.invoke(cli, ["kb", "draft", "999"]).exit_code != 0

    (tmp_path / "tip.md").write_text(
        "---\ntitle: Reset your password\nslug: reset-password\n---\n## Steps to fix\n1. Tap it\n"
    )
    assert runner.invoke(cli, ["kb", "write", "tip.md"]).output == "created reset-password (draft)\n"
    assert runner.invoke(cli, ["kb", "write", "tip.md"]).output == "updated reset-password (draft)\n"
    assert runner.invoke(cli, ["kb", "archive", slug]).exit_code == 0
    statuses = {
        a["slug"]: a["status"] for a in json.loads(runner.invoke(cli, ["kb", "list", "--json"]).output)["articles"]
    }
    assert statuses == {slug: "archived", "reset-password": "draft"}
