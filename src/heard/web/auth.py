"""Who is asking: the logged-in agent for a request, and role checks for routes that change things.

The session middleware has already refused requests without a logged-in session; here the agent is loaded and
the session is checked against the database (the agent still exists, its password has not changed since)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from heard.accounts.agents import AgentIdentity, password_fingerprint, signed_in
from heard.web.deps import get_runtime
from heard.web.session import SessionData, end_session


def current_agent(request: Request) -> AgentIdentity:
    """Opens its own short session (not the request's): the SSE route must not hold one for its lifetime."""
    data: SessionData | None = getattr(request.state, "session", None)
    found = None
    if data is not None and data.agent_id is not None:
        with get_runtime(request).sessions() as session:
            found = signed_in(session, data.agent_id)
    if found is None or data is None or data.fingerprint != password_fingerprint(found[1]):
        end_session(request.state)
        raise HTTPException(status_code=401, detail="Your session has ended: log in again.")
    me = found[0]
    request.state.agent = me
    return me


def require_role(role: str) -> Callable[..., AgentIdentity]:
    """A dependency that lets through agents with `role` or above, and refuses the others with 403."""

    def check(me: Annotated[AgentIdentity, Depends(current_agent)]) -> AgentIdentity:
        if not me.can(role):
            raise HTTPException(status_code=403, detail=f"This needs the {role} role.")
        return me

    return check


Me = Annotated[AgentIdentity, Depends(current_agent)]
Worker = Annotated[AgentIdentity, Depends(require_role("agent"))]
Editor = Annotated[AgentIdentity, Depends(require_role("editor"))]
Lead = Annotated[AgentIdentity, Depends(require_role("lead"))]
Admin = Annotated[AgentIdentity, Depends(require_role("admin"))]
