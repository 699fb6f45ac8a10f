"""Acting on the alerts pages: agents acknowledge and resolve alerts; editors take a proposed hashtag into a
channel's listening rules (its back-fill then runs with the channel's next read) or turn it down."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from heard.alerts.actions import record_proposals, record_spikes
from heard.alerts.models import Alert, HashtagProposal
from heard.app import Runtime
from heard.channels.actions import add_channel, get_channel
from heard.connectors.base import ChannelConfig, Connector
from heard.connectors.registry import connector_class
from heard.events import POSTS_TOPIC
from heard.radar.hashtags import HashtagProposal as Proposal
from heard.radar.spike import Spike
from heard.workers.listen import Listener
from tests.connectors.test_backfill import _x_pages
from tests.contract.connector_cases import XCase
from tests.fakes.recordings import FakeNetwork
from tests.web.conftest import anonymous, csrf_of, log_in, runtime

__all__ = ["anonymous", "runtime"]


def _alert(runtime: Runtime) -> int:
    now = runtime.clock.now()
    spike = Spike("volume", "brand:acme", now, now - timedelta(minutes=2), 40.0, 4.0, 0.99, 0.5)
    with runtime.sessions.begin() as session:
        return record_spikes(session, [spike], now).opened[0].id


def _status(runtime: Runtime, alert_id: int) -> str:
    with runtime.sessions() as session:
        return session.get_one(Alert, alert_id).status


def test_an_agent_acknowledges_then_resolves_an_alert_and_a_viewer_cannot(
    anonymous: TestClient, runtime: Runtime
) -> None:
    alert_id = _alert(runtime)
    agent = log_in(anonymous, runtime, "ana@example.com", "agent")
    page = agent.get(f"/alerts/{alert_id}").text
    assert "Acknowledge" in page
    token = csrf_of(page)
    answer = agent.post(f"/alerts/{alert_id}/status", data={"status": "acknowledged", "csrf_token": token})
    assert answer.status_code == 303
    assert _status(runtime, alert_id) == "acknowledged"
    agent.post(f"/alerts/{alert_id}/status", data={"status": "resolved", "csrf_token": token})
    assert _status(runtime, alert_id) == "resolved"
    assert agent.post(f"/alerts/{alert_id}/status", data={"status": "resolved"}).status_code == 403  # no CSRF
    bad = agent.post(f"/alerts/{alert_id}/status", data={"status": "deleted", "csrf_token": token})
    assert bad.status_code == 400
    agent.post("/logout", data={"csrf_token": token})
    viewer = log_in(anonymous, runtime, "vi@example.com", "viewer")
    assert "Acknowledge" not in viewer.get(f"/alerts/{alert_id}").text
    refused = viewer.post(
        f"/alerts/{alert_id}/status", data={"status": "open", "csrf_token": csrf_of(viewer.get("/alerts").text)}
    )
    assert refused.status_code == 403
    assert _status(runtime, alert_id) == "resolved"


def test_an_editor_takes_a_hashtag_into_a_channel_and_its_back_fill_runs_with_the_next_read(
    anonymous: TestClient, runtime: Runtime
) -> None:
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        add_channel(
            session, kind="x", name="x-main", options=XCase.options, secret_key=runtime.settings.secret_key, now=now
        )
        record_proposals(session, [Proposal("#acmefail", now, 12, 9, 8.0, 0.7, ("x:2",))], now)
        record_proposals(session, [Proposal("#lunch", now, 6, 5, 5.0, 0.1, ("x:3",))], now)
    editor = log_in(anonymous, runtime, "ed@example.com", "editor")
    page = editor.get("/alerts").text
    assert '<option value="x-main">x-main</option>' in page
    token = csrf_of(page)
    accepted = editor.post(
        "/alerts/hashtags", data={"tag": "#acmefail", "decision": "accept", "channel": "x-main", "csrf_token": token}
    )
    assert accepted.status_code == 303
    editor.post("/alerts/hashtags", data={"tag": "#lunch", "decision": "reject", "csrf_token": token})
    with runtime.sessions() as session:
        rows = session.execute(select(HashtagProposal.tag, HashtagProposal.status))
        decided = {row.tag: row.status for row in rows}
        channel = get_channel(session, "x-main")
        assert channel.config["rules"]["hashtags"] == ["acmefail"]
        assert channel.config["backfill"][0]["hashtags"] == ["acmefail"]
    assert decided == {"#acmefail": "accepted", "#lunch": "rejected"}

    network = FakeNetwork()
    first, _ = _x_pages(network)
    network.route("GET", "/2/users/783214/mentions", {"meta": {"result_count": 0}})
    network.route("GET", "/2/dm_events", {"meta": {"result_count": 0}})  # X DMs are read too (issue 15)

    def factory(config: ChannelConfig) -> Connector:
        return connector_class(config.kind)(config, transport=network.transport, clock=runtime.clock)

    (outcome,) = Listener(runtime, factory=factory).run_once()
    assert outcome.health == "ok"
    searches = [r for r in network.sent("GET") if r.url.path.endswith("/search/recent")]
    assert any("start_time" in r.url.params and "#acmefail" in r.url.params["query"] for r in searches)
    assert len(runtime.log.read(POSTS_TOPIC, 0, 1000)) >= len(first["data"])
    with runtime.sessions() as session:
        assert "backfill" not in get_channel(session, "x-main").config


def test_only_editors_decide_hashtags(anonymous: TestClient, runtime: Runtime) -> None:
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        record_proposals(session, [Proposal("#acmefail", now, 12, 9, 8.0, 0.7, ("x:2",))], now)
    agent = log_in(anonymous, runtime, "ana@example.com", "agent")
    page = agent.get("/alerts").text
    assert 'action="/alerts/hashtags"' not in page
    refused = agent.post(
        "/alerts/hashtags", data={"tag": "#acmefail", "decision": "accept", "csrf_token": csrf_of(page)}
    )
    assert refused.status_code == 403
