"""The agent-side knowledge base: viewers read, editors write and publish (follow-ups included), the public sees
only what is published, and nothing changes without login and CSRF."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from heard.app import Runtime, build_runtime
from heard.clock import FrozenClock
from heard.db.engine import unit_of_work
from heard.settings import Settings
from heard.web.app import create_app
from tests.knowledge.factories import add_incident
from tests.web.conftest import csrf_of, log_in

BODY = "## Symptom\nThe app loops at login.\n\n## Steps to fix\n1. Update to 4.2.1.\n\n<script>alert(1)</script>"


@pytest.fixture
def runtime(tmp_path: Path, clock: FrozenClock) -> Iterator[Runtime]:
    settings = Settings(env="test", database_url=f"sqlite:///{tmp_path / 'ed.db'}", _env_file=None)
    rt = build_runtime(settings, clock)
    yield rt
    rt.close()


@pytest.fixture
def browser(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime), follow_redirects=False) as test_client:
        yield test_client


def _form(client: TestClient, path: str, **data: str) -> dict[str, str]:
    return {"csrf_token": csrf_of(client.get(path).text), **data}


def test_login_is_needed_for_articles_but_not_for_the_public_site(browser: TestClient) -> None:
    assert browser.get("/articles").status_code in (302, 303, 307)
    assert browser.get("/kb/").status_code == 200
    assert browser.get("/kb/feed.atom").status_code == 200


def test_viewers_read_and_cannot_write(browser: TestClient, runtime: Runtime) -> None:
    log_in(browser, runtime, "viewer@example.com", "viewer")
    assert browser.get("/articles").status_code == 200
    assert browser.get("/articles/new").status_code == 403
    response = browser.post("/articles", data=_form(browser, "/articles", title="X", body_md="y"))
    assert response.status_code == 403


def test_an_editor_writes_previews_and_publishes(browser: TestClient, runtime: Runtime) -> None:
    log_in(browser, runtime, "editor@example.com", "editor")
    form = _form(browser, "/articles/new", title="Login loop after 4.2", body_md=BODY, category="Accounts")
    created = browser.post("/articles", data=form)
    assert created.status_code == 303
    slug = created.headers["location"].rsplit("/", 1)[1]
    edit = browser.get(f"/articles/{slug}").text
    assert "<li>Update to 4.2.1.</li>" in edit  # the preview, rendered like the public page
    assert "<script>alert(1)</script>" not in edit
    assert browser.get(f"/kb/articles/{slug}/").status_code == 404  # a draft is not public
    published = browser.post(f"/articles/{slug}/publish", data=_form(browser, f"/articles/{slug}"))
    assert published.status_code == 303
    assert browser.get(f"/kb/articles/{slug}/").status_code == 200
    assert browser.post(f"/articles/{slug}/archive", data={}).status_code == 403  # no CSRF token


def test_one_click_draft_from_an_incident_then_publish_follows_up_once(browser: TestClient, runtime: Runtime) -> None:
    with unit_of_work(runtime.sessions) as session:
        incident_id = add_incident(session, runtime.clock).id
    with TestClient(create_app(runtime), follow_redirects=False) as agent:
        log_in(agent, runtime, "agent@example.com", "agent")
        assert agent.post(f"/articles/from-incident/{incident_id}", data=_form(agent, "/articles")).status_code == 403
    log_in(browser, runtime, "editor@example.com", "editor")
    drafted = browser.post(f"/articles/from-incident/{incident_id}", data=_form(browser, "/articles"))
    assert drafted.status_code == 303
    slug = drafted.headers["location"].rsplit("/", 1)[1]
    first = browser.post(f"/articles/{slug}/publish", data=_form(browser, f"/articles/{slug}"))
    assert first.headers["location"].endswith("?queued=3")
    again = browser.post(f"/articles/{slug}/publish", data=_form(browser, f"/articles/{slug}"))
    assert again.headers["location"].endswith("?queued=0")
