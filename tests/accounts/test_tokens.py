from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from heard.accounts.agents import add_agent
from heard.accounts.models import ApiToken
from heard.accounts.tokens import PREFIX, TokenError, authenticate, create_token, list_tokens, revoke_token
from heard.cli import build
from heard.clock import FrozenClock


def test_a_token_acts_as_its_agent_until_revoked(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    now = clock.now()
    with sessions.begin() as s:
        add_agent(s, "ana@example.com", "agent", now, "correct horse battery staple")
        text, row = create_token(s, "Ana@Example.com ", "crm", now)
        token_id = row.id
    assert text.startswith(PREFIX)
    with sessions.begin() as s:
        stored = s.get(ApiToken, token_id)
        assert stored is not None
        assert text not in (stored.digest, stored.prefix)  # only a digest and a few characters are kept
        me = authenticate(s, text, now)
        assert me is not None
        assert (me.token_id, me.agent.email, me.agent.role) == (token_id, "ana@example.com", "agent")
        assert authenticate(s, text + "x", now) is None
        assert authenticate(s, "not-a-heard-token", now) is None
    with sessions.begin() as s:
        authenticate(s, text, now + timedelta(seconds=30))  # within a minute: no write
        [info] = list_tokens(s)
        assert info.last_used_at == now
        revoke_token(s, token_id, now)
    with sessions.begin() as s:
        assert authenticate(s, text, now) is None
        assert list_tokens(s)[0].revoked


def test_a_read_token_acts_as_a_viewer_whatever_its_agent_can_do(
    sessions: sessionmaker[Session], clock: FrozenClock
) -> None:
    with sessions.begin() as s:
        add_agent(s, "boss@example.com", "admin", clock.now(), "correct horse battery staple")
        read, _ = create_token(s, "boss@example.com", "bi", clock.now(), scope="read")
        write, _ = create_token(s, "boss@example.com", "ops", clock.now())
        with pytest.raises(TokenError, match="scope"):
            create_token(s, "boss@example.com", "x", clock.now(), scope="admin")
    with sessions.begin() as s:
        reader, writer = authenticate(s, read, clock.now()), authenticate(s, write, clock.now())
        assert reader is not None
        assert writer is not None
        assert (reader.agent.role, writer.agent.role) == ("viewer", "admin")
        assert [t.scope for t in list_tokens(s)] == ["read", "write"]


@pytest.mark.parametrize(
    ("email", "name", "message"), [("nobody@example.com", "x", "no agent"), ("a@b.io", " ", "name")]
)
def test_tokens_need_an_agent_and_a_name(
    sessions: sessionmaker[Session], clock: FrozenClock, email: str, name: str, message: str
) -> None:
    with sessions.begin() as s:
        add_agent(s, "a@b.io", "viewer", clock.now(), "correct horse battery staple")
        with pytest.raises(TokenError, match=message):
            create_token(s, email, name, clock.now())


def test_token_commands_create_list_and_revoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARD_DATABASE_URL", f"sqlite:///{tmp_path / 'tokens.db'}")
    cli, runner = build(), CliRunner()
    assert runner.invoke(cli, ["init"]).exit_code == 0
    assert runner.invoke(cli, ["user", "add", "ops@example.com", "--role", "admin"]).exit_code == 0
    created = runner.invoke(cli, ["token", "create", "ops@example.com", "--name", "bot", "--json"])
    assert created.exit_code == 0, created.output
    token = json.loads(created.output)["token"]
    listed = json.loads(runner.invoke(cli, ["token", "list", "--json"]).output)
    assert [(t["agent"], t["name"], t["revoked"]) for t in listed] == [("ops@example.com", "bot", False)]
    assert token not in json.dumps(listed)
    assert runner.invoke(cli, ["token", "revoke", "1"]).exit_code == 0
    assert json.loads(runner.invoke(cli, ["token", "list", "--json"]).output)[0]["revoked"] is True
    missing = runner.invoke(cli, ["token", "create", "who@example.com", "--name", "x"])
    assert missing.exit_code != 0
    assert "no agent" in missing.output
