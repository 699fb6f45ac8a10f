"""Who calls the HTTP API: the agent behind the bearer token in the Authorization header, with that agent's
role. Cookies are never looked at on /api/ (see heard.web.session.API_PREFIX)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from heard.accounts.agents import AgentIdentity
from heard.accounts.tokens import authenticate
from heard.web.api_rate import ApiRateLimit
from heard.web.deps import get_runtime

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="heard"'}


def api_caller(request: Request) -> AgentIdentity:
    """The token's agent, after the per-token rate limit (429 with Retry-After past it)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(status_code=401, detail="Send a token: Authorization: Bearer heard_...", headers=CHALLENGE)
    runtime = get_runtime(request)
    with runtime.sessions.begin() as session:
        me = authenticate(session, token.strip(), runtime.clock.now())
    if me is None:
        raise HTTPException(status_code=401, detail="This token is unknown or revoked.", headers=CHALLENGE)
    limit: ApiRateLimit = request.app.state.api_rate
    wait = limit.wait_s(me.token_id)
    if wait is not None:
        detail = f"Too many requests for this token; try again in {wait} s (HEARD_API_REQUESTS_PER_MIN)."
        raise HTTPException(status_code=429, detail=detail, headers={"Retry-After": str(wait)})
    return me.agent


def api_role(role: str) -> Callable[..., AgentIdentity]:
    def check(me: Annotated[AgentIdentity, Depends(api_caller)]) -> AgentIdentity:
        if not me.can(role):
            raise HTTPException(status_code=403, detail=f"This needs a token of an agent with the {role} role.")
        return me

    return check


Caller = Annotated[AgentIdentity, Depends(api_caller)]
ApiWorker = Annotated[AgentIdentity, Depends(api_role("agent"))]
ApiAdmin = Annotated[AgentIdentity, Depends(api_role("admin"))]
