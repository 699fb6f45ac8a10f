from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy.orm import Session, sessionmaker

from heard.accounts.agents import (
    AgentError,
    AgentIdentity,
    add_agent,
    authenticate,
    ensure_demo_agent,
    find_agent,
    list_agents,
    set_password,
)
from heard.clock import FrozenClock

PASSWORD = "a long enough password"


def test_agents_are_stored_with_argon2id_hashes_only(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    with sessions.begin() as s:
        agent, password = add_agent(s, " Ann@Example.COM ", "agent", clock.now(), PASSWORD)
        assert (agent.email, agent.name, agent.role, password) == ("ann@example.com", "ann", "agent", PASSWORD)
        assert agent.password_hash is not None
        assert agent.password_hash.startswith("$argon2id$")
        assert PASSWORD not in agent.password_hash


def test_authenticate(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    with sessions.begin() as s:
        add_agent(s, "bo@example.com", "viewer", clock.now(), PASSWORD)
    with sessions.begin() as s:
        agent = authenticate(s, "BO@example.com", PASSWORD)
        assert agent is not None
        assert agent.email == "bo@example.com"
        assert authenticate(s, "bo@example.com", PASSWORD + "x") is None
        assert authenticate(s, "nobody@example.com", PASSWORD) is None
        assert authenticate(s, "not an email", PASSWORD) is None
        assert authenticate(s, "bo@example.com", "x" * 5000) is None
        assert authenticate(s, "bo@example.com", "") is None


def test_outdated_hashes_are_upgraded_on_login(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    with sessions.begin() as s:
        agent, _ = add_agent(s, "cy@example.com", "agent", clock.now(), PASSWORD)
        agent.password_hash = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
        old = agent.password_hash
    with sessions.begin() as s:
        upgraded = authenticate(s, "cy@example.com", PASSWORD)
        assert upgraded is not None
        assert upgraded.password_hash != old


@pytest.mark.parametrize(
    ("email", "role", "password", "reason"),
    [
        ("dup@example.com", "agent", PASSWORD, "already exists"),
        ("DUP@example.com", "agent", PASSWORD, "already exists"),
        ("new@example.com", "owner", PASSWORD, "unknown role"),
        ("not-an-email", "agent", PASSWORD, "not an e-mail"),
        ("<script>@x.com", "agent", PASSWORD, "not an e-mail"),
        ("short@example.com", "agent", "short", "12 to 1024"),
    ],
)
def test_bad_agents_are_refused_with_a_reason(
    sessions: sessionmaker[Session], clock: FrozenClock, email: str, role: str, password: str, reason: str
) -> None:
    with sessions.begin() as s:
        add_agent(s, "dup@example.com", "agent", clock.now(), PASSWORD)
    with sessions.begin() as s, pytest.raises(AgentError, match=reason):
        add_agent(s, email, role, clock.now(), password)


def test_generated_passwords_and_password_changes(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    with sessions.begin() as s:
        agent, generated = add_agent(s, "gen@example.com", "admin", clock.now())
        assert len(generated) >= 12
    with sessions.begin() as s:
        agent = find_agent(s, "gen@example.com")
        assert agent is not None
        set_password(s, agent, "another good password")
    with sessions.begin() as s:
        assert authenticate(s, "gen@example.com", generated) is None
        assert authenticate(s, "gen@example.com", "another good password") is not None


def test_demo_agent_is_an_admin_with_a_fresh_password_each_time(
    sessions: sessionmaker[Session], clock: FrozenClock
) -> None:
    with sessions.begin() as s:
        email, first = ensure_demo_agent(s, clock.now())
    with sessions.begin() as s:
        again, second = ensure_demo_agent(s)
    assert email == again
    assert first != second
    with sessions.begin() as s:
        assert authenticate(s, email, first) is None
        agent = authenticate(s, email, second)
        assert agent is not None
        assert agent.role == "admin"
        assert len(list_agents(s)) == 1


def test_roles_are_ordered() -> None:
    viewer = AgentIdentity(1, "v@x.com", "v", "viewer")
    admin = AgentIdentity(2, "a@x.com", "a", "admin")
    assert viewer.can("viewer")
    assert not viewer.can("agent")
    assert admin.can("agent")
    assert admin.can("admin")
