"""Agents: who may log in, with which role, and how their passwords are kept (argon2id, never in clear).

Roles, from least to most: viewer (reads the inbox), agent (works conversations), editor (also writes and publishes
knowledge-base articles), lead (also sets an inbox's SLA targets and approval threshold, and approves held
drafts), admin (also manages agents).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from heard.accounts.models import Agent, ApiToken
from heard.audit.trail import CLI, Actor, record
from heard.db.plain_reads import plain
from heard.errors import Refused

ROLES = ("viewer", "agent", "editor", "lead", "admin")
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 1024
DEMO_EMAIL = "demo@heard.local"
_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[^@\s<>\"']{1,255}$")
_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so a wrong e-mail takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AgentError(Refused):
    """An agent cannot be created or changed as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class AgentIdentity:
    """What a request knows about who is logged in."""

    id: int
    email: str
    name: str
    role: str

    def can(self, role: str) -> bool:
        """True when this agent's role is `role` or above."""
        return ROLES.index(self.role) >= ROLES.index(role)


def identity(agent: Agent) -> AgentIdentity:
    return AgentIdentity(agent.id, agent.email, agent.name, agent.role if agent.role in ROLES else "viewer")


#: Built once: every page request of a logged-in agent reads this.
_SIGNED_IN = select(Agent.id, Agent.email, Agent.name, Agent.role, Agent.password_hash).where(
    Agent.id == bindparam("agent_id")
)


def signed_in(session: Session, agent_id: int) -> tuple[AgentIdentity, str | None] | None:
    """The agent's identity and password hash, or None when the agent is gone: a plain read
    (heard.db.plain_reads), as each page request asks it before anything else."""
    row = plain(session, _SIGNED_IN, {"agent_id": agent_id}).first()
    if row is None:
        return None
    role = row.role if row.role in ROLES else "viewer"
    return AgentIdentity(row.id, row.email, row.name, role), row.password_hash


def normalise_email(email: str) -> str:
    value = email.strip().lower()
    if not _EMAIL.match(value):
        raise AgentError(f"{email[:80]!r} is not an e-mail address")
    return value


def password_fingerprint(password_hash: str | None) -> str:
    """A short digest of the stored hash: sessions carry it, so changing a password ends every session."""
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


def generate_password() -> str:
    return secrets.token_urlsafe(15)


def _check_password(password: str) -> None:
    if not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
        raise AgentError(f"a password needs {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters")


def find_agent(session: Session, email: str) -> Agent | None:
    try:
        wanted = normalise_email(email)
    except AgentError:
        return None
    return session.scalars(select(Agent).where(func.lower(Agent.email) == wanted)).first()


def add_agent(
    session: Session,
    email: str,
    role: str,
    now: datetime,
    password: str | None = None,
    name: str | None = None,
    by: Actor = CLI,
) -> tuple[Agent, str]:
    """Create an agent; returns it with its password (generated when none is given, to be shown once)."""
    if role not in ROLES:
        raise AgentError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    address = normalise_email(email)
    if find_agent(session, address) is not None:
        raise AgentError(f"an agent with e-mail {address} already exists")
    password = password if password is not None else generate_password()
    _check_password(password)
    agent = Agent(
        email=address,
        name=(name or address.split("@")[0])[:128],
        role=role,
        password_hash=_hasher.hash(password),
        created_at=now,
    )
    session.add(agent)
    session.flush()
    record(session, by, "agent.created", "agent", agent.id, {"role": role}, at=now)
    return agent, password


def set_password(session: Session, agent: Agent, password: str, now: datetime | None = None, by: Actor = CLI) -> None:
    """Replace the agent's password. Their sessions end (they carry the password's fingerprint) and so do their
    API tokens: a token made by someone who had the old password must not outlive it."""
    _check_password(password)
    agent.password_hash = _hasher.hash(password)
    live = (ApiToken.agent_id == agent.id) & ApiToken.revoked_at.is_(None)
    session.execute(update(ApiToken).where(live).values(revoked_at=now or datetime.now(UTC)))
    session.flush()
    record(session, by, "agent.password_set", "agent", agent.id)


def authenticate(session: Session, email: str, password: str) -> Agent | None:
    """The agent whose e-mail and password these are, or None. Upgrades the stored hash when argon2's
    parameters have changed since it was made."""
    agent = find_agent(session, email) if len(password) <= MAX_PASSWORD_CHARS else None
    stored = agent.password_hash if agent is not None and agent.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if agent is None or stored is _DUMMY_HASH:
        return None
    if _hasher.check_needs_rehash(stored):
        agent.password_hash = _hasher.hash(password)
        session.flush()
    return agent


def list_agents(session: Session) -> list[Agent]:
    return list(session.scalars(select(Agent).order_by(Agent.email)))


def ensure_demo_agent(session: Session, now: datetime | None = None) -> tuple[str, str]:
    """The demo's admin login, with a fresh password each call (the caller prints it). Never for production."""
    now = now or datetime.now(UTC)
    agent = find_agent(session, DEMO_EMAIL)
    password = generate_password()
    if agent is None:
        add_agent(session, DEMO_EMAIL, "admin", now, password, name="Demo Admin")
    else:
        set_password(session, agent, password, now)
    return DEMO_EMAIL, password
