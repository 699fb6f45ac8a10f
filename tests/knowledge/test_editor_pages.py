"""The agent-side knowledge base: viewers read, editors write and publish (follow-ups included), the public sees
only what is published, and nothing changes without login and CSRF."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from fastapi.testclient import TestClient
from sqlalchemy import select

from heard.app import Runtime
from heard.conversations.models import Message
from heard.web.app import create_app
from tests.knowledge.factories import add_incident
from tests.web.conftest import anonymous, csrf_of, log_in, runtime

__all__ = ["anonymous", "runtime"]  # the web tests' fixtures: a runtime on a SQLite file, a logged-out browser

BODY = "## Symptom\nThe app loops at login.\n\n## Steps to fix\n1. Update to 4.2.1.\n\n<script>alert(1)</script>"


FORM = {"content-type": "application/x-www-form-urlencoded"}


def _outgoing(runtime: Runtime) -> list[str]:
    with runtime.sessions() as session:
        return list(session.scalars(select(Message.text).where(Message.direction == "outgoing")))


def _form(client: TestClient, path: str, **data: str) -> dict[str, str]:
    return {"csrf_token": csrf_of(client.get(path).text), **data}


def test_login_is_needed_for_articles_but_not_for_the_public_site(anonymous: TestClient) -> None:
    assert anonymous.get("/articles").status_code in (302, 303, 307)
    assert anonymous.get("/kb/").status_code == 200
    assert anonymous.get("/kb/feed.atom").status_code == 200


def test_viewers_read_and_cannot_write(anonymous: TestClient, runtime: Runtime) -> None:
    log_in(anonymous, runtime, "viewer@example.com", "viewer")
    assert anonymous.get("/articles").status_code == 200
    assert anonymous.get("/articles/new").status_code == 403
    response = anonymous.post("/articles", data=_form(anonymous, "/articles", title="X", body_md="y"))
    assert response.status_code == 403


def test_an_editor_writes_previews_and_publishes(anonymous: TestClient, runtime: Runtime) -> None:
    log_in(anonymous, runtime, "editor@example.com", "editor")
    form = _form(anonymous, "/articles/new", title="Login loop after 4.2", body_md=BODY, category="Accounts")
    created = anonymous.post("/articles", data=form)
    assert created.status_code == 303
    slug = created.headers["location"].rsplit("/", 1)[1]
    edit = anonymous.get(f"/articles/{slug}").text
    assert "<li>Update to 4.2.1.</li>" in edit  # the preview, rendered like the public page
    assert "<script>alert(1)</script>" not in edit
    assert anonymous.get(f"/kb/articles/{slug}/").status_code == 404  # a draft is not public
    published = anonymous.post(f"/articles/{slug}/publish", data=_form(anonymous, f"/articles/{slug}"))
    assert published.status_code == 303
    assert anonymous.get(f"/kb/articles/{slug}/").status_code == 200
    assert anonymous.post(f"/articles/{slug}/archive", data={}).status_code == 403  # no CSRF token


def test_one_click_draft_from_an_incident_then_publish_follows_up_once(anonymous: TestClient, runtime: Runtime) -> None:
    with runtime.sessions.begin() as session:
        incident_id = add_incident(session, runtime.clock).id
    with TestClient(create_app(runtime), follow_redirects=False) as agent:
        log_in(agent, runtime, "agent@example.com", "agent")
        assert agent.post(f"/articles/from-incident/{incident_id}", data=_form(agent, "/articles")).status_code == 403
    log_in(anonymous, runtime, "editor@example.com", "editor")
    drafted = anonymous.post(f"/articles/from-incident/{incident_id}", data=_form(anonymous, "/articles"))
    assert drafted.status_code == 303
    slug = drafted.headers["location"].rsplit("/", 1)[1]
    before = _outgoing(runtime)  # the brand's earlier answers in the incident
    first = anonymous.post(f"/articles/{slug}/publish", data=_form(anonymous, f"/articles/{slug}"))
    assert first.headers["location"] == f"/articles/{slug}/followups", "publishing shows the preview first"
    assert _outgoing(runtime) == before, "nothing is sent before the editor confirms"
    preview = anonymous.get(f"/articles/{slug}/followups").text
    contacts = re.findall(r'name="send" value="(\d+)"', preview)
    assert len(contacts) == 3
    assert "The fix is out" not in preview, "the article is not fixed yet"
    kept, edited = contacts[0], contacts[1]
    form = _form(anonymous, f"/articles/{slug}/followups")
    data = [("csrf_token", form["csrf_token"]), ("send", kept), ("send", edited)]
    data += [(f"text-{c}", f"Hi, an update for you {c}: we're on it. ^Ed") for c in (kept, edited)]
    sent = anonymous.post(f"/articles/{slug}/followups", content=urlencode(data), headers=FORM)
    assert sent.headers["location"].endswith("?queued=2"), "only the people kept, once confirmed"
    assert sorted(_outgoing(runtime)[len(before) :]) == sorted(
        f"Hi, an update for you {c}: we're on it. ^Ed" for c in (kept, edited)
    )
    again = anonymous.get(f"/articles/{slug}/followups").text
    assert re.findall(r'name="send" value="(\d+)"', again) == [contacts[2]], "the dropped person is still offered"


def test_the_articles_list_is_per_brand_where_there_are_several(anonymous: TestClient, runtime: Runtime) -> None:
    from heard.brands.actions import ensure_brand
    from heard.incidents.models import Incident
    from heard.knowledge.actions import create_article

    log_in(anonymous, runtime, "viewer@example.com", "viewer")
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        ensure_brand(session, "Delta", now)
        delta = Incident(title="Lost bags", brand="delta", created_at=now, updated_at=now)
        amazon = Incident(title="Late parcels", brand="amazonhelp", created_at=now, updated_at=now)
        session.add_all([delta, amazon])
        session.flush()
        create_article(session, runtime.clock, "Where is my bag", incident_id=delta.id)
        create_article(session, runtime.clock, "Where is my parcel", incident_id=amazon.id)
        create_article(session, runtime.clock, "How to reach us")
    assert 'class="brand-picker"' not in anonymous.get("/articles").text  # one brand: no picker
    with runtime.sessions.begin() as session:
        ensure_brand(session, "AmazonHelp", now)
    listing = anonymous.get("/articles").text
    assert 'class="brand-picker"' in listing
    assert all(t in listing for t in ("Where is my bag", "Where is my parcel", "How to reach us"))
    only = anonymous.get("/articles?brand=delta").text
    assert "Where is my bag" in only
    assert "Where is my parcel" not in only
    assert "How to reach us" not in only
