from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from heard.accounts.agents import authenticate
from heard.app import build_runtime
from heard.cli import build
from heard.settings import Settings


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("HEARD_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)  # no stray .env
    return url


def _can_log_in(url: str, email: str, password: str) -> bool:
    runtime = build_runtime(Settings(database_url=url, _env_file=None))
    with runtime.sessions.begin() as session:
        ok = authenticate(session, email, password) is not None
    runtime.close()
    return ok


def test_user_add_prints_a_generated_password_that_works(database: str) -> None:
    result = CliRunner().invoke(build(), ["user", "add", "Ann@Example.com", "--role", "admin", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["email"], data["role"]) == ("ann@example.com", "admin")
    assert _can_log_in(database, "ann@example.com", data["password"])


def test_user_add_reads_the_password_from_stdin_and_never_prints_it(database: str) -> None:
    secret = "typed in by the admin"
    result = CliRunner().invoke(build(), ["user", "add", "bo@example.com", "--password-stdin"], input=secret + "\n")
    assert result.exit_code == 0, result.output
    assert secret not in result.output
    assert _can_log_in(database, "bo@example.com", secret)


def test_user_add_refuses_bad_input_with_a_reason(database: str) -> None:
    runner = CliRunner()
    assert runner.invoke(build(), ["user", "add", "cy@example.com"]).exit_code == 0
    again = runner.invoke(build(), ["user", "add", "cy@example.com"])
    assert again.exit_code == 2
    assert "already exists" in again.output
    assert "unknown role" in runner.invoke(build(), ["user", "add", "d@example.com", "--role", "boss"]).output


def test_user_list_and_password(database: str) -> None:
    runner = CliRunner()
    runner.invoke(build(), ["user", "add", "eve@example.com", "--role", "viewer"])
    listed = json.loads(runner.invoke(build(), ["user", "list", "--json"]).output)
    assert listed == {"agents": [{"email": "eve@example.com", "name": "eve", "role": "viewer"}]}
    changed = runner.invoke(build(), ["user", "password", "eve@example.com"])
    assert changed.exit_code == 0
    assert _can_log_in(database, "eve@example.com", changed.output.split("password: ")[1].strip())
    assert runner.invoke(build(), ["user", "password", "nobody@example.com"]).exit_code == 2
