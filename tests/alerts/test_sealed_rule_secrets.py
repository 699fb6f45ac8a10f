"""Issue 21, item 5: an alert rule's webhook secret is stored sealed, and the delivery loop signs with it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from heard.alerts.actions import create_rule, record_spikes
from heard.cli import build
from heard.clock import FrozenClock
from heard.notify.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from heard.radar.spike import Spike
from heard.sealing import PREFIX, seal, unseal
from heard.settings import Settings
from heard.workers.alert_delivery import notify_pending
from tests.fakes.webhook_receiver import receiving

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


def test_the_delivery_loop_signs_with_the_sealed_secret(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    settings = Settings(_env_file=None, app_url="http://heard.test")  # type: ignore[call-arg]
    sealed = seal(SECRET, settings.secret_key)
    with receiving() as receiver:
        with sessions.begin() as session:
            target = {"kind": "webhook", "url": receiver.url, "secret": sealed}
            create_rule(session, "all", clock.now(), cooldown_s=0, targets=[target])
            spike = Spike("volume", "brand:b", clock.now(), clock.now(), 40.0, 4.0, 0.999, 0.6, False, ("x:1",))
            record_spikes(session, [spike], clock.now())
        assert notify_pending(sessions, clock, settings)["delivered"] == 1
    [(headers, body)] = receiver.requests
    assert verify(SECRET, headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER])
