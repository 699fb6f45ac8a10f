"""Issue 21, item 5: an alert rule's webhook secret is stored sealed, and the delivery loop signs with it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from heard.cli import build
from heard.sealing import PREFIX, unseal
from heard.settings import Settings

SECRET = "rule-signing-secret-0123456789"


def test_a_rule_secret_is_sealed_at_rest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'rules.db'}"
    monkeypatch.setenv("HEARD_DATABASE_URL", url)
    args = ["alerts", "add-rule", "all", "--webhook", "https://hooks.example.com/x", "--secret", SECRET]
    result = CliRunner().invoke(build(), args)
    assert result.exit_code == 0, result.output
    from sqlalchemy import create_engine

    with create_engine(url).connect() as conn:
        stored = conn.execute(text("SELECT targets FROM alert_rules")).scalar_one()
    assert SECRET not in stored
    assert PREFIX in stored
    sealed = stored.split('"secret": "')[1].split('"')[0]
    assert unseal(sealed, Settings(_env_file=None).secret_key) == SECRET  # type: ignore[call-arg]
