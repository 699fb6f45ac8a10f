"""The HTTP API: bearer tokens only (a browser's cookie opens nothing), roles enforced, the same actions as the
pages (a reply goes through the coach and the outbox), pushed posts onto the log with bad lines set aside."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from heard.accounts.agents import add_agent
from heard.accounts.tokens import create_token, revoke_token
from heard.app import Runtime
from heard.conversations.models import Message
from heard.events import POSTS_TOPIC
from heard.ingest.models import DeadLetter
from tests.web.conftest import PASSWORD, log_in
from tests.web.factories import add_conversation, add_message


def _token(runtime: Runtime, email: str, role: str, scope: str = "write") -> dict[str, str]:
    with runtime.sessions.begin() as session:
        add_agent(session, email, role, runtime.clock.now(), PASSWORD)
        text, _ = create_token(session, email, "test", runtime.clock.now(), scope)
    return {"Authorization": f"Bearer {text}"}


@pytest.fixture
def conversations(runtime: Runtime) -> dict[str, int]:
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        late = add_conversation(session, now, "late", "<b>my bag</b> is lost", waited=timedelta(hours=3))
        add_message(session, late, "incoming", "still nothing", "late", now, complaint=0.93, sentiment="negative")
        early = add_conversation(session, now, "early", "app crashes", waited=timedelta(minutes=5))
        session.flush()
        return {"late": late.id, "early": early.id}


def test_no_token_no_entry_and_a_browser_session_does_not_count(anonymous: TestClient, runtime: Runtime) -> None:
    response = anonymous.get("/api/v1/conversations")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "Bearer" in response.json()["detail"]
    browser = log_in(anonymous, runtime, "agent@example.com", "agent")
    assert browser.get("/api/v1/conversations").status_code == 401
    assert browser.get("/api/v1/conversations", headers={"Authorization": "Bearer heard_nope"}).status_code == 401


def test_a_viewer_token_reads_the_queue_and_a_thread_but_cannot_reply(
    anonymous: TestClient, runtime: Runtime, conversations: dict[str, int]
) -> None:
    viewer = _token(runtime, "viewer@example.com", "viewer")
    page = anonymous.get("/api/v1/conversations", headers=viewer, params={"limit": 1}).json()
    assert [c["customer_handle"] for c in page["conversations"]] == ["late"]
    assert page["next_offset"] == 1
    assert "waiting 3 h" in page["conversations"][0]["reason"]
    thread = anonymous.get(f"/api/v1/conversations/{conversations['late']}", headers=viewer).json()
    assert thread["conversation"]["first_customer_text"] == "<b>my bag</b> is lost"  # data, not markup
    last = thread["messages"][-1]
    assert last["judgement"]["complaint"] == pytest.approx(0.93)
    assert last["judgement"]["sentiment"] == "negative"
    refused = anonymous.post(
        f"/api/v1/conversations/{conversations['late']}/replies", headers=viewer, json={"text": "hi"}
    )
    assert refused.status_code == 403
    assert anonymous.get("/api/v1/conversations/999999", headers=viewer).status_code == 404


def test_an_agent_token_replies_through_the_coach_and_the_outbox(
    anonymous: TestClient, runtime: Runtime, conversations: dict[str, int]
) -> None:
    agent = _token(runtime, "ana@example.com", "agent")
    cid = conversations["late"]
    text = "Hi late, I'm sorry your bag is lost. I've traced it to Denver; it reaches you tonight. Thank you. ^Ana"
    response = anonymous.post(f"/api/v1/conversations/{cid}/replies", headers=agent, json={"text": text})
    assert response.status_code == 201, response.text
    queued = response.json()
    assert queued["held"] is False
    assert 0 <= queued["score"] <= 100
    assert isinstance(queued["findings"], list)
    with runtime.sessions() as session:
        message = session.get(Message, queued["message_id"])
        assert message is not None
        assert (message.delivery_state, message.text) == ("pending", text)
    empty = anonymous.post(f"/api/v1/conversations/{cid}/replies", headers=agent, json={"text": ""})
    assert empty.status_code == 422
    noted = anonymous.post(f"/api/v1/conversations/{cid}/notes", headers=agent, json={"text": "VIP"})
    assert noted.status_code == 201
    assert noted.json()["messages"][-1]["direction"] == "note"
    done = anonymous.post(f"/api/v1/conversations/{cid}/status", headers=agent, json={"status": "resolved"})
    assert done.json()["conversation"]["status"] == "resolved"
    bad = anonymous.post(f"/api/v1/conversations/{cid}/status", headers=agent, json={"status": "gone"})
    assert bad.status_code == 422


def test_a_revoked_token_is_refused_at_once(anonymous: TestClient, runtime: Runtime) -> None:
    headers = _token(runtime, "ops@example.com", "agent")
    assert anonymous.get("/api/v1/alerts", headers=headers).status_code == 200
    with runtime.sessions.begin() as session:
        revoke_token(session, 1, runtime.clock.now())
    assert anonymous.get("/api/v1/alerts", headers=headers).status_code == 401


def test_an_admin_pushes_posts_and_bad_lines_become_dead_letters(anonymous: TestClient, runtime: Runtime) -> None:
    admin = _token(runtime, "admin@example.com", "admin")
    good = {
        "network": "forum",
        "external_id": "p1",
        "author_id": "u1",
        "author_handle": "u1",
        "text": "<script>x</script>",
        "created_at": "2026-01-05T08:00:00Z",
    }
    lines = [json.dumps(good), json.dumps({**good, "external_id": "p2"}), "{not json", json.dumps({"network": "forum"})]
    response = anonymous.post("/api/v1/posts", headers=admin, content="\n".join(lines))
    assert response.status_code == 202, response.text
    assert response.json()["taken"] == 2
    assert response.json()["set_aside"] == 2
    assert [json.loads(r.payload)["text"] for r in runtime.log.read(POSTS_TOPIC)] == ["<script>x</script>"] * 2
    with runtime.sessions() as session:
        letters = session.scalars(select(DeadLetter)).all()
        assert {d.source for d in letters} == {"api:admin@example.com"}
        assert len(letters) == 2
    agent = _token(runtime, "agent2@example.com", "agent")
    assert anonymous.post("/api/v1/posts", headers=agent, content=lines[0]).status_code == 403
    huge = anonymous.post("/api/v1/posts", headers=admin, content=b"x" * 5_000_001)
    assert huge.status_code == 413


def test_the_report_and_the_schema(anonymous: TestClient, runtime: Runtime, conversations: dict[str, int]) -> None:
    viewer = _token(runtime, "v@example.com", "viewer")
    report = anonymous.get("/api/v1/reports/outcomes", headers=viewer).json()
    assert report["responses"]["conversations"] == 2
    assert anonymous.get("/api/v1/reports/outcomes", headers=viewer, params={"since": "x"}).status_code == 400
    assert anonymous.get("/api/v1/incidents", headers=viewer).json() == {"incidents": []}
    schema = anonymous.get("/api/v1/openapi.json").json()
    assert "/api/v1/conversations/{conversation_id}/replies" in schema["paths"]
    assert not any(path.startswith("/conversations") for path in schema["paths"])


def test_a_read_token_of_an_admin_reads_but_changes_nothing(
    anonymous: TestClient, runtime: Runtime, conversations: dict[str, int]
) -> None:
    reader = _token(runtime, "boss@example.com", "admin", scope="read")
    assert anonymous.get("/api/v1/conversations", headers=reader).status_code == 200
    late = conversations["late"]
    assert anonymous.post(f"/api/v1/conversations/{late}/notes", headers=reader, json={"text": "x"}).status_code == 403
    pushed = anonymous.post("/api/v1/posts", headers=reader, content=b"{}")
    assert pushed.status_code == 403


def test_a_token_past_its_requests_a_minute_waits_and_others_do_not(
    anonymous: TestClient, runtime: Runtime, conversations: dict[str, int]
) -> None:
    from heard.web.api_rate import ApiRateLimit

    anonymous.app.state.api_rate = ApiRateLimit(runtime.clock, per_minute=3)  # type: ignore[attr-defined]
    busy, other = _token(runtime, "sync@example.com", "viewer"), _token(runtime, "bi@example.com", "viewer")
    assert [anonymous.get("/api/v1/incidents", headers=busy).status_code for _ in range(3)] == [200] * 3
    refused = anonymous.get("/api/v1/incidents", headers=busy)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "20"
    assert "try again in 20 s" in refused.json()["detail"]
    assert anonymous.get("/api/v1/incidents", headers=other).status_code == 200
    runtime.clock.advance(20)  # type: ignore[attr-defined]
    assert anonymous.get("/api/v1/incidents", headers=busy).status_code == 200
    assert anonymous.get("/api/v1/incidents", headers=busy).status_code == 429
