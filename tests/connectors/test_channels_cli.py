"""`heard channels ...` and `heard listen --once` end to end on a SQLite file, credentials never printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from heard.cli import build


@pytest.fixture
def heard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("HEARD_DATABASE_URL", f"sqlite:///{tmp_path / 'heard.db'}")
    monkeypatch.setenv("HEARD_SECRET_KEY", "k" * 40)
    return CliRunner()


def run(runner: CliRunner, *args: str, input: str | None = None) -> str:
    result = runner.invoke(build(), list(args), input=input)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_add_list_accept_and_remove_a_channel(heard: CliRunner) -> None:
    run(
        heard,
        "channels",
        "add",
        "mastodon",
        "--instance",
        "https://mastodon.example",
        "--token",
        "tok-SECRET",
        "--hashtag",
        "acme",
        "--keyword",
        "late order",
        "--handle",
        "acme",
    )
    listed = json.loads(run(heard, "channels", "list", "--json"))
    (channel,) = listed["channels"]
    assert channel["kind"] == "mastodon"
    assert channel["health"] == "unknown"
    assert channel["options"] == {"instance": "https://mastodon.example", "token": "***"}
    assert channel["rules"]["hashtags"] == ["acme"]
    assert "tok-SECRET" not in json.dumps(listed)
    accepted = run(heard, "channels", "accept-hashtags", "mastodon", "#AcmeFail", "--backfill-days", "0")
    assert "#acme, #acmefail" in accepted
    assert "back-fill" not in accepted
    run(heard, "channels", "remove", "mastodon")
    assert json.loads(run(heard, "channels", "list", "--json")) == {"channels": []}


def test_missing_credentials_are_asked_for_without_echo(heard: CliRunner) -> None:
    result = heard.invoke(
        build(), ["channels", "add", "bluesky", "--identifier", "acme.bsky.social"], input="app-pw-SECRET\n"
    )
    assert result.exit_code == 0, result.output
    assert "app-pw-SECRET" not in result.output


def test_bad_channels_are_refused_with_a_reason(heard: CliRunner) -> None:
    result = heard.invoke(build(), ["channels", "add", "myspace"])
    assert result.exit_code != 0
    assert "mastodon" in result.output
    result = heard.invoke(build(), ["channels", "add", "x", "--bearer-token", "b", "--nonsense", "1"])
    assert result.exit_code != 0
    run(heard, "channels", "add", "x", "--bearer-token", "b")
    result = heard.invoke(build(), ["channels", "add", "x", "--bearer-token", "b"])
    assert result.exit_code != 0
    assert "exists already" in result.output


def test_listen_once_reads_a_replay_channel_onto_the_log(heard: CliRunner, tmp_path: Path) -> None:
    export = tmp_path / "export.jsonl"
    export.write_text(
        json.dumps(
            {
                "network": "twitter",
                "external_id": "1",
                "author_id": "a",
                "text": "late again",
                "created_at": "2026-01-05T08:00:00Z",
            }
        )
        + "\n"
    )
    run(heard, "channels", "add", "replay", "--name", "demo", "--path", str(export), "--format", "jsonl")
    report = json.loads(run(heard, "listen", "--once", "--json"))
    assert report["channels"][0]["health"] == "ok"
    assert report["channels"][0]["taken"] == 1
    again = json.loads(run(heard, "listen", "--once", "--json"))
    assert again["channels"][0]["taken"] == 0
    assert json.loads(run(heard, "channels", "list", "--json"))["channels"][0]["health"] == "ok"


def test_accepting_a_hashtag_on_a_network_that_cannot_search_says_there_is_no_back_fill(
    heard: CliRunner, tmp_path: Path
) -> None:
    run(heard, "channels", "add", "replay", "--set", f"path={tmp_path / 'posts.jsonl'}")
    accepted = run(heard, "channels", "accept-hashtags", "replay", "#AcmeFail")
    assert "replay now listens for #acmefail" in accepted
    assert "no back-fill: replay cannot search past posts by hashtag" in accepted
