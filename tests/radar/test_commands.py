"""`heard alerts ...`: deciding hashtag proposals, acknowledging and listing alerts."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from heard.cli import build


def test_accepting_a_proposal_adds_it_to_a_channels_listening_rules(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from heard.alerts.actions import record_proposals
    from heard.app import build_runtime
    from heard.channels.actions import add_channel, list_channels
    from heard.radar.hashtags import HashtagProposal
    from heard.settings import Settings

    monkeypatch.setenv("HEARD_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    runtime = build_runtime(Settings(_env_file=None))
    now = datetime(2026, 1, 5, tzinfo=UTC)
    with runtime.sessions.begin() as session:
        add_channel(
            session,
            kind="mastodon",
            name="masto",
            options={"instance": "https://mastodon.example", "token": "tok"},
            now=now,
            secret_key=runtime.settings.secret_key,
        )
        record_proposals(session, [HashtagProposal("#acmefail", now, 9, 7, 6.0, 0.8, ("x:1",))], now)
    runtime.close()
    missing = CliRunner().invoke(build(), ["alerts", "decide", "#acmefail", "--accept", "--channel", "nope"])
    assert missing.exit_code == 2
    result = CliRunner().invoke(build(), ["alerts", "decide", "#AcmeFail", "--accept", "--channel", "masto"])
    assert result.exit_code == 0, result.output
    assert "accepted on masto" in result.output
    runtime = build_runtime(Settings(_env_file=None))
    with runtime.sessions() as session:
        (channel,) = list_channels(session)
        assert "acmefail" in channel.rules.hashtags
    runtime.close()


def test_ack_and_list_alerts(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from heard.alerts.actions import record_spikes
    from heard.app import build_runtime
    from heard.radar.spike import Spike
    from heard.settings import Settings

    monkeypatch.setenv("HEARD_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    runtime = build_runtime(Settings(_env_file=None))
    now = datetime(2026, 1, 5, tzinfo=UTC)
    with runtime.sessions.begin() as session:
        spike = Spike("volume", "brand:acme", now, now, 30.0, 3.0, 0.99, 0.4)
        alert_id = record_spikes(session, [spike], now).opened[0].id
    runtime.close()
    assert CliRunner().invoke(build(), ["alerts", "ack", "999"]).exit_code == 2
    result = CliRunner().invoke(build(), ["alerts", "ack", str(alert_id), "--resolve"])
    assert result.exit_code == 0, result.output
    listed = json.loads(CliRunner().invoke(build(), ["alerts", "list", "--json"]).output)
    assert listed["alerts"][0]["series"] == "brand:acme"
