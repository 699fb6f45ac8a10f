"""The reports page: login required, the figures and charts drawn, bad dates refused, hostile text escaped."""

from __future__ import annotations

from fastapi.testclient import TestClient

from heard.app import Runtime
from heard.clock import FrozenClock
from tests.reports.scenario import NOW, build
from tests.web.conftest import log_in


def test_reports_need_a_login(anonymous: TestClient) -> None:
    response = anonymous.get("/reports")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_a_viewer_sees_the_outcomes_with_charts(anonymous: TestClient, runtime: Runtime, clock: FrozenClock) -> None:
    clock.set(NOW)
    with runtime.sessions() as session:
        ids = build(session)
    client = log_in(anonymous, runtime, "lead@example.com", "viewer")
    html = client.get("/reports", params={"since": "2026-02-25", "until": "2026-03-02"}).text
    assert 'data-figure="conversations">4<' in html
    assert 'data-figure="answered">2<' in html
    assert 'data-figure="median">5 min<' in html
    assert 'data-figure="sla">25 %<' in html
    assert html.count('<rect class="bar ') >= 2
    assert f'href="/conversations/{ids["slow"]}"' in html
    assert "Fix the logout loop" in html
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


def test_a_bad_period_is_refused_with_the_reason(anonymous: TestClient, runtime: Runtime) -> None:
    client = log_in(anonymous, runtime, "lead@example.com", "viewer")
    response = client.get("/reports", params={"since": "2026-03-05", "until": "2026-03-01"})
    assert response.status_code == 400
    assert "after it ends" in response.text
    assert client.get("/reports", params={"since": "not-a-day"}).status_code == 400
