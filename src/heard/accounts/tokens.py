"""Bearer tokens for the HTTP API: created for an agent (a "write" token acts with that agent's role, a "read"
token with at most a viewer's, for reporting and BI jobs that must change nothing), shown once, stored as a
digest, revocable. `last_used_at` is written at most once a minute per token so that a busy
integration does not turn every read into a write."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.accounts.agents import AgentIdentity, identity, normalise_email
from heard.accounts.models import Agent, ApiToken
from heard.audit.trail import CLI, Actor, record
from heard.errors import Refused

#: Tokens start with this, so secret scanners and people can recognise one.
PREFIX = "heard_"
TOUCH_EVERY = timedelta(minutes=1)
MAX_NAME = 128
SCOPES = ("read", "write")


class TokenError(Refused):
    """A token that cannot be created or revoked as asked."""


@dataclass(frozen=True, slots=True)
class TokenInfo:
    id: int
    agent_email: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool
    scope: str = "write"


@dataclass(frozen=True, slots=True)
class TokenCaller:
    """Who a live token acts as, and which token it is (rate limits are per token)."""

    token_id: int
    agent: AgentIdentity


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(
    session: Session, email: str, name: str, now: datetime, scope: str = "write", by: Actor = CLI
) -> tuple[str, ApiToken]:
    """A new token for the agent with `email`; the token text is returned once and never stored."""
    if scope not in SCOPES:
        raise TokenError(f"a token's scope is one of {', '.join(SCOPES)}, not {scope[:40]!r}")
    agent = session.scalar(select(Agent).where(Agent.email == normalise_email(email)))
    if agent is None:
        raise TokenError(f"no agent with e-mail {email[:80]!r}")
    label = name.strip()
    if not label or len(label) > MAX_NAME:
        raise TokenError(f"a token needs a name of 1 to {MAX_NAME} characters (what uses it)")
    text = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(agent_id=agent.id, name=label, digest=_digest(text), prefix=text[:12], created_at=now, scope=scope)
    session.add(row)
    session.flush()
    record(session, by, "token.created", "token", row.id, {"agent_id": agent.id, "scope": scope}, at=now)
    return text, row


def authenticate(session: Session, token: str, now: datetime) -> TokenCaller | None:
    """The agent a live token acts for (a read token's role capped at viewer), or None (unknown, revoked, or its
    agent is gone)."""
    if not token.startswith(PREFIX) or len(token) > 128:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.digest == _digest(token)))
    # The digest lookup already matched; compare again in constant time so timing says nothing either way.
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.digest, _digest(token)):
        return None
    agent = session.get(Agent, row.agent_id)
    if agent is None:
        return None
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
        row.last_used_at = now
    me = identity(agent)
    if row.scope != "write" and me.role != "viewer":
        me = replace(me, role="viewer")
    return TokenCaller(row.id, me)


def revoke_token(session: Session, token_id: int, now: datetime, by: Actor = CLI) -> None:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise TokenError(f"no token {token_id}")
    if row.revoked_at is None:
        row.revoked_at = now
        record(session, by, "token.revoked", "token", row.id, {"agent_id": row.agent_id}, at=now)


def list_tokens(session: Session) -> list[TokenInfo]:
    query = select(ApiToken, Agent.email).join(Agent, Agent.id == ApiToken.agent_id).order_by(ApiToken.id)
    return [
        TokenInfo(t.id, email, t.name, t.prefix, t.created_at, t.last_used_at, t.revoked_at is not None, t.scope)
        for t, email in session.execute(query)
    ]
