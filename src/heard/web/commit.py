"""Run one feature action in a transaction, then publish its events (after commit, never before: a browser
that refreshes on the event must find the change already there)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import HTTPException
from sqlalchemy.orm import Session

from heard.app import Runtime
from heard.db.engine import unit_of_work
from heard.events import Event
from heard.inbox.workflow import NotFound, WorkflowError
from heard.stream.base import publish_events


def run_action(runtime: Runtime, action: Callable[[Session], list[Event]]) -> list[Event]:
    """The action's refusals become HTTP errors with the action's own message."""
    try:
        with unit_of_work(runtime.sessions) as session:
            events = action(session)
    except NotFound as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    except WorkflowError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    if events:
        publish_events(runtime.log, events)
    return events
