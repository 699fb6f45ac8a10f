"""`heard demo` start-up: a taken port is refused before anything is touched, the banner waits for the server,
and `heard user add` beside a running demo writes to the demo's database and says which database it wrote."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from heard.accounts.agents import authenticate
from heard.app import build_runtime
from heard.cli import build
from heard.commands.demo import announce_when_ready, port_taken, refuse_taken_port
from heard.commands.users import DEMO_MARKER, running_demo_database, write_marker
from heard.settings import Settings
from heard.web.app import create_app
from tests.web.live import free_port


def test_a_taken_port_is_refused_with_a_way_out(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert port_taken("127.0.0.1", port)
        with pytest.raises(typer.Exit):
            refuse_taken_port("127.0.0.1", port)
    err = capsys.readouterr().err
    assert "already in use" in err
    assert f"--port {port + 1}" in err
    assert not port_taken("127.0.0.1", free_port())


def test_the_banner_waits_until_the_server_answers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runtime = build_runtime(Settings(env="test", database_url=f"sqlite:///{tmp_path / 'd.db'}", _env_file=None))
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    thread = announce_when_ready(url, "READY-BANNER", timeout_s=30)
    time.sleep(0.5)
    assert "READY-BANNER" not in capsys.readouterr().out, "nothing answers yet"
    app = create_app(runtime)
    from heard.web.server import make_server

    server = make_server(app, "127.0.0.1", port, log_level="warning")
    serving = threading.Thread(target=server.run, daemon=True)
    serving.start()
    try:
        thread.join(20)
        assert "READY-BANNER" in capsys.readouterr().out
    finally:
        server.should_exit = True
        serving.join(10)
        runtime.close()


def test_user_add_reaches_the_running_demo_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HEARD_DATABASE_URL", raising=False)
    demo_db = f"sqlite:///{tmp_path / 'var' / 'demo.db'}"
    (tmp_path / "var").mkdir()
    remove = write_marker(demo_db, "http://127.0.0.1:8130/")
    assert running_demo_database() == demo_db
    result = CliRunner().invoke(build(), ["user", "add", "second@example.com", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["database"].endswith("var/demo.db")
    runtime = build_runtime(Settings(database_url=demo_db, _env_file=None))
    with runtime.sessions.begin() as session:
        assert authenticate(session, "second@example.com", data["password"]) is not None
    runtime.close()
    remove()
    assert not DEMO_MARKER.exists()


def test_a_stale_marker_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "var").mkdir()
    DEMO_MARKER.write_text(json.dumps({"database_url": "sqlite:///gone.db", "url": "x", "pid": 2**22 + os.getpid()}))
    assert running_demo_database() is None
