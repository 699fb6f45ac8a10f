"""Nothing but the login page and static files answers without a session; nothing changes without CSRF."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from heard.accounts.agents import find_agent, set_password
from heard.accounts.models import Agent
from heard.app import Runtime, build_runtime
from heard.settings import Settings
from heard.web.app import create_app
from heard.web.session import SessionCodec, SessionData

from .conftest import PASSWORD, csrf_of, log_in

PRIVATE = ["/", "/inbox/queue", "/conversations/1", "/conversations/1/thread", "/?status=open"]


@pytest.mark.parametrize("path", PRIVATE)
def test_private_pages_send_anonymous_visitors_to_the_login_page(anonymous: TestClient, path: str) -> None:
    response = anonymous.get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=%2F")


def test_htmx_and_sse_requests_without_a_session_are_refused(anonymous: TestClient) -> None:
    response = anonymous.get("/inbox/queue", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["hx-redirect"].startswith("/login")
    assert anonymous.get("/events").status_code == 401


@pytest.mark.parametrize("path", ["/login", "/static/heard.css", "/healthz"])
def test_public_paths(anonymous: TestClient, path: str) -> None:
    assert anonymous.get(path).status_code == 200


def test_login_then_the_inbox(anonymous: TestClient, runtime: Runtime) -> None:
    log_in(anonymous, runtime, "ann@example.com", "agent")
    response = anonymous.get("/")
    assert response.status_code == 200
    assert "ann · agent" in response.text


def test_wrong_password_or_unknown_email_get_the_same_answer(anonymous: TestClient, runtime: Runtime) -> None:
    log_in(anonymous, runtime, "bo@example.com", "agent")
    anonymous.cookies.clear()
    answers = []
    for email, password in [("bo@example.com", "wrong password!"), ("who@example.com", PASSWORD)]:
        token = csrf_of(anonymous.get("/login").text)
        response = anonymous.post("/login", data={"email": email, "password": password, "csrf_token": token})
        answers.append((response.status_code, "do not match" in response.text))
        assert anonymous.get("/").status_code == 303
    assert answers == [(401, True), (401, True)]


def test_login_goes_back_where_the_agent_was_going_but_never_off_site(anonymous: TestClient, runtime: Runtime) -> None:
    log_in(anonymous, runtime, "cy@example.com", "viewer")
    anonymous.cookies.clear()
    for target, expected in [("/?status=open", "/?status=open"), ("//evil.example/", "/"), ("https://evil", "/")]:
        token = csrf_of(anonymous.get("/login").text)
        data = {"email": "cy@example.com", "password": PASSWORD, "csrf_token": token, "next": target}
        assert anonymous.post("/login", data=data).headers["location"] == expected
        anonymous.cookies.clear()


def test_unsafe_requests_need_the_csrf_token(client: TestClient) -> None:
    token = csrf_of(client.get("/").text)
    assert client.post("/logout").status_code == 403
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    assert client.post("/logout", headers={"X-CSRF-Token": token, "Origin": "https://evil.example"}).status_code == 403
    assert client.get("/").status_code == 200  # still logged in after the refused attempts
    assert client.post("/logout", headers={"X-CSRF-Token": token}).status_code == 303
    assert client.get("/").status_code == 303


def test_login_form_needs_the_csrf_token_too(anonymous: TestClient, runtime: Runtime) -> None:
    log_in(anonymous, runtime, "dee@example.com", "agent")
    anonymous.cookies.clear()
    response = anonymous.post("/login", data={"email": "dee@example.com", "password": PASSWORD})
    assert response.status_code == 403


def test_csrf_token_changes_at_login(anonymous: TestClient, runtime: Runtime) -> None:
    before = csrf_of(anonymous.get("/login").text)
    log_in(anonymous, runtime, "eve@example.com", "agent")
    assert csrf_of(anonymous.get("/").text) != before


def test_session_cookie_is_http_only_and_same_site(anonymous: TestClient) -> None:
    cookie = anonymous.get("/login").headers["set-cookie"]
    assert cookie.startswith("heard_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_cookies_are_secure_and_host_only(tmp_path: Path) -> None:
    settings = Settings(
        env="production", database_url=f"sqlite:///{tmp_path / 'p.db'}", secret_key="s" * 40, _env_file=None
    )
    runtime = build_runtime(settings)
    with TestClient(create_app(runtime), base_url="https://heard.example") as secure:
        cookie = secure.get("/login").headers["set-cookie"]
    runtime.close()
    assert cookie.startswith("__Host-heard_session=")
    assert "; Secure" in cookie


def test_forged_or_foreign_cookies_are_anonymous(client: TestClient, runtime: Runtime) -> None:
    value = client.cookies["heard_session"]
    forged = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
    client.cookies.set("heard_session", forged, domain="testserver.local")
    assert client.get("/").status_code == 303
    # A session signed with another key (another Heard install) is no session here.
    other = SessionCodec("another secret key of some length", secure=False)
    foreign = other.cookie(SessionData(csrf="x", agent_id=1)).split(";")[0].split("=", 1)[1]
    client.cookies.set("heard_session", foreign, domain="testserver.local")
    assert client.get("/").status_code == 303
    client.cookies.set("heard_session", value, domain="testserver.local")
    assert client.get("/").status_code == 200


def test_changing_the_password_ends_sessions(client: TestClient, runtime: Runtime) -> None:
    assert client.get("/").status_code == 200
    with runtime.sessions.begin() as session:
        agent = find_agent(session, "agent@example.com")
        assert agent is not None
        set_password(session, agent, "a brand new password")
    response = client.get("/")
    assert response.status_code == 303
    assert "heard_session=;" in response.headers["set-cookie"]


def test_deleted_agents_are_logged_out(client: TestClient, runtime: Runtime) -> None:
    with runtime.sessions.begin() as session:
        agent = find_agent(session, "agent@example.com")
        assert isinstance(agent, Agent)
        session.delete(agent)
    assert client.get("/inbox/queue").status_code == 303


def test_hostile_forms_are_refused_without_reaching_a_route(client: TestClient) -> None:
    token = csrf_of(client.get("/").text)
    many = "&".join(f"f{n}=1" for n in range(500)) + f"&csrf_token={token}"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    assert client.post("/logout", content=many, headers=headers).status_code == 403
    huge = f"csrf_token={token}&x=" + "a" * 1_100_000
    assert client.post("/logout", content=huge, headers=headers).status_code == 413
    assert client.post("/logout", content=f"csrf_token={token}", headers=headers).status_code == 303


def test_password_guessing_is_throttled(anonymous: TestClient, runtime: Runtime) -> None:
    log_in(anonymous, runtime, "fay@example.com", "agent")
    anonymous.cookies.clear()

    def attempt(password: str, email: str = "fay@example.com") -> int:
        token = csrf_of(anonymous.get("/login").text)
        data = {"email": email, "password": password, "csrf_token": token}
        return anonymous.post("/login", data=data).status_code

    assert [attempt(f"guess number {n}") for n in range(5)] == [401] * 5
    assert attempt(PASSWORD) == 429  # even the right password waits
    assert (
        "try again in 15 min"
        in anonymous.post(
            "/login",
            data={
                "email": "fay@example.com",
                "password": PASSWORD,
                "csrf_token": csrf_of(anonymous.get("/login").text),
            },
        ).text
    )
    runtime.clock.advance(15 * 60)  # type: ignore[attr-defined]
    assert attempt(PASSWORD) == 303
