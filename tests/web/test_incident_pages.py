"""Incident pages: the list and one incident render their figures escaped, and each edit works, needs the CSRF
token and at least the agent role."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import select

from heard.alerts.models import Alert
from heard.app import Runtime
from heard.conversations.models import PostRecord
from heard.incidents.actions import refresh
from heard.incidents.embedders import make_embedder
from heard.incidents.models import Incident
from tests.web.conftest import csrf_of, log_in
from tests.web.factories import add_conversation

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def make_incident(runtime: Runtime, texts: Sequence[str], network: str = "twitter", title: str = "") -> int:
    """An incident holding one conversation per text (a different author each), its figures counted."""
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        incident = Incident(title=title or "New incident", title_locked=bool(title), created_at=now, updated_at=now)
        session.add(incident)
        session.flush()
        for i, text in enumerate(texts):
            conversation = add_conversation(session, now - timedelta(minutes=i), f"user{i}", text, network)
            conversation.incident_id = incident.id
            post = session.scalars(select(PostRecord).where(PostRecord.conversation_id == conversation.id)).one()
            post.incident_id, post.author_followers = incident.id, 100
        refresh(session, [incident.id], make_embedder(), now, redescribe=not title)
        return incident.id


def incident(runtime: Runtime, incident_id: int) -> Incident:
    with runtime.sessions() as session:
        found = session.get(Incident, incident_id)
        assert found is not None
        session.expunge(found)
        return found


def post_ids(runtime: Runtime, incident_id: int) -> list[int]:
    with runtime.sessions() as session:
        return list(
            session.scalars(select(PostRecord.id).where(PostRecord.incident_id == incident_id).order_by(PostRecord.id))
        )


def post(client: TestClient, path: str, **data: object) -> int:
    token = csrf_of(client.get("/incidents").text)
    return client.post(path, data={**data, "csrf_token": token}).status_code


LOGIN_LOOP = ["the app logs me out in a loop", "login loop again on ios", "stuck in a login loop, help"]


def test_list_shows_open_incidents_with_figures(client: TestClient, runtime: Runtime) -> None:
    first = make_incident(runtime, LOGIN_LOOP, title="Login loop")
    make_incident(runtime, ["refund never came", "where is my refund"], network="mastodon", title="Refunds")
    html = client.get("/incidents").text
    assert '<a href="/incidents">Incidents</a>' in html
    assert f'href="/incidents/{first}">Login loop</a>' in html
    row = html[html.index(f'data-incident-id="{first}"') :]
    assert '<td class="posts">3</td>' in row
    assert '<td class="authors">3</td>' in row
    assert '<td class="reach">300</td>' in row
    assert "mastodon" in html
    assert "Refunds" in html


def test_incident_page_shows_counts_timeline_and_posts(client: TestClient, runtime: Runtime) -> None:
    found = make_incident(runtime, LOGIN_LOOP)
    response = client.get(f"/incidents/{found}")
    assert response.status_code == 200
    html = response.text
    assert '<dd class="posts">3</dd>' in html
    assert "<meter" in html
    assert " style=" not in html
    assert "<script>" not in html.split("</head>")[1]
    assert "login loop again on ios" in html
    assert 'href="/conversations/' in html
    assert f'action="/articles/from-incident/{found}"' not in html  # an agent is not an editor
    assert client.get("/incidents/999999").status_code == 404


def test_hostile_titles_and_posts_are_escaped(client: TestClient, runtime: Runtime) -> None:
    found = make_incident(runtime, [HOSTILE, HOSTILE + " again"], title=HOSTILE)
    for path in ("/incidents", f"/incidents/{found}"):
        html = client.get(path).text
        assert HOSTILE not in html
        assert "&lt;script&gt;" in html


def test_rename_status_and_owner(client: TestClient, runtime: Runtime) -> None:
    found = make_incident(runtime, LOGIN_LOOP)
    assert post(client, f"/incidents/{found}/rename", title="Login loop on iOS 17.2") == 303
    assert post(client, f"/incidents/{found}/status", status="identified") == 303
    assert post(client, f"/incidents/{found}/owner") == 303
    changed = incident(runtime, found)
    assert (changed.title, changed.title_locked, changed.status) == ("Login loop on iOS 17.2", True, "identified")
    assert changed.owner_id is not None
    html = client.get(f"/incidents/{found}").text
    assert "Login loop on iOS 17.2" in html
    assert '<dd class="owner">' in html
    assert post(client, f"/incidents/{found}/status", status="exploded") == 400
    assert post(client, f"/incidents/{found}/rename", title="   ") == 400


def test_merge_split_and_move(client: TestClient, runtime: Runtime) -> None:
    target = make_incident(runtime, LOGIN_LOOP)
    other = make_incident(runtime, ["refund never came", "where is my refund", "refund please"])
    moved = post_ids(runtime, other)[0]
    assert post(client, f"/incidents/{other}/move", post_id=moved, to=target) == 303
    assert moved in post_ids(runtime, target)
    assert post(client, f"/incidents/{other}/move", post_id=moved, to=target) == 400  # no longer in `other`
    chosen = post_ids(runtime, target)[:2]
    token = csrf_of(client.get("/incidents").text)
    response = client.post(f"/incidents/{target}/split", data={"post_ids": chosen, "csrf_token": token})
    assert response.status_code == 303
    created = int(response.headers["location"].rsplit("/", 1)[1])
    assert post_ids(runtime, created) == chosen
    assert post(client, f"/incidents/{target}/split") == 400  # nothing selected
    assert post(client, f"/incidents/{other}/merge", into=target) == 303
    assert incident(runtime, other).merged_into_id == target
    assert client.get(f"/incidents/{other}").headers["location"] == f"/incidents/{target}"
    assert post(client, f"/incidents/{target}/merge", into=target) == 400


@pytest.mark.parametrize(
    ("path", "data"),
    [("rename", {"title": "Taken"}), ("status", {"status": "fixed"}), ("owner", {}), ("merge", {"into": 1})],
)
def test_edits_need_the_csrf_token(client: TestClient, runtime: Runtime, path: str, data: dict[str, object]) -> None:
    found = make_incident(runtime, LOGIN_LOOP, title="Untouched")
    make_incident(runtime, ["refund never came"])
    assert client.post(f"/incidents/{found}/{path}", data=data).status_code == 403
    after = incident(runtime, found)
    assert (after.title, after.status, after.owner_id, after.merged_into_id) == (
        "Untouched",
        "investigating",
        None,
        None,
    )


def test_a_viewer_cannot_change_incidents(anonymous: TestClient, runtime: Runtime) -> None:
    viewer = log_in(anonymous, runtime, "viewer@example.com", "viewer")
    found = make_incident(runtime, LOGIN_LOOP, title="Untouched")
    html = viewer.get(f"/incidents/{found}").text
    assert "Untouched" in html
    assert "/rename" not in html
    assert post(viewer, f"/incidents/{found}/rename", title="Taken") == 403
    assert post(viewer, f"/incidents/{found}/status", status="fixed") == 403
    assert incident(runtime, found).title == "Untouched"


def test_an_editor_can_draft_an_article(anonymous: TestClient, runtime: Runtime) -> None:
    editor = log_in(anonymous, runtime, "editor@example.com", "editor")
    found = make_incident(runtime, LOGIN_LOOP, title="Login loop")
    html = editor.get(f"/incidents/{found}").text
    assert f'action="/articles/from-incident/{found}"' in html
    token = csrf_of(html)
    response = editor.post(f"/articles/from-incident/{found}", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/articles/")


def test_incident_page_links_its_alerts(client: TestClient, runtime: Runtime) -> None:
    found = make_incident(runtime, LOGIN_LOOP)
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        alert = Alert(
            kind="volume", series_key="brand", severity=4.25, observed=30, expected=3, started_at=now, created_at=now,
            incident_id=found,
        )  # fmt: skip
        session.add(alert)
        session.flush()
        alert_id = alert.id
    html = client.get(f"/incidents/{found}").text
    assert f'<a href="/alerts/{alert_id}">volume (severity 4.2)</a>' in html


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.text(min_size=1, max_size=80).filter(str.strip), text=st.text(max_size=200))
def test_any_title_and_post_render_escaped(client: TestClient, runtime: Runtime, title: str, text: str) -> None:
    found = make_incident(runtime, [text, "login loop"], title=title)
    for path in ("/incidents", f"/incidents/{found}"):
        response = client.get(path)
        assert response.status_code == 200
        assert str(escape(title)) in response.text
    assert str(escape(text)) in client.get(f"/incidents/{found}").text


def test_the_list_shows_incidents_of_two_or_more_people_unless_asked_for_all(
    client: TestClient, runtime: Runtime
) -> None:
    shared = make_incident(runtime, LOGIN_LOOP, title="Login loop")
    single = make_incident(runtime, ["my one odd problem"], title="One person")
    html = client.get("/incidents").text
    assert f'data-incident-id="{shared}"' in html
    assert f'data-incident-id="{single}"' not in html
    assert '<option value="2" selected>' in html
    everything = client.get("/incidents", params={"people": 1}).text
    assert f'data-incident-id="{single}"' in everything
    only_big = client.get("/incidents", params={"people": 5}).text
    assert "No open incidents reported by 5 or more people" in only_big
    assert client.get("/incidents", params={"people": 0}).status_code == 422
