"""`heard incidents ...` on an empty store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from heard.cli import build


def test_incident_commands_on_an_empty_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARD_DATABASE_URL", f"sqlite:///{tmp_path / 'heard.db'}")
    runner = CliRunner()
    listed = runner.invoke(build(), ["incidents", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.output) == {"incidents": []}
    regrouped = runner.invoke(build(), ["incidents", "regroup", "--json"])
    assert json.loads(regrouped.output) == {"posts": 0, "moved": 0, "merged": {}, "closed": 0}
    renamed = runner.invoke(build(), ["incidents", "rename", "42", "Login loop"])
    assert renamed.exit_code != 0
    assert "no incident 42" in renamed.output
