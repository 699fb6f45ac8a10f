"""The unit of work: one transaction, and the domain events its actions registered on it.

An action that changes something registers the events that say so (`emit(session, ...)`) in the transaction that
makes the change; it never publishes them itself. One hook on the session factory (`publish_on_commit`, installed
by `heard.app.build_runtime`) hands them to the event log after the transaction commits, and a rollback drops
them: a page that refreshes on an event always finds the change already there, and a change that did not happen
is never announced. The transaction idiom everywhere is SQLAlchemy's own: `with sessions.begin() as session:`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from heard.events import Event

_EVENTS = "heard.events"

Publish = Callable[[Sequence[Event]], None]


def emit(session: Session, *events: Event) -> None:
    """Register events on the transaction `session` is in; they are published once it commits."""
    if events:
        session.info.setdefault(_EVENTS, []).extend(events)


def pending_events(session: Session) -> list[Event]:
    """The events registered on the transaction and not yet published (for tests and the pipeline's counts)."""
    return list(session.info.get(_EVENTS, ()))


def publish_on_commit(sessions: sessionmaker[Session], publish: Publish) -> None:
    """Install the one after-commit hook on a session factory: every session it makes hands the events its
    transaction registered to `publish` after the commit, and forgets them on rollback."""

    def committed(session: Session) -> None:
        if session.in_nested_transaction():
            return  # a savepoint released: the events wait for the transaction around it
        events = session.info.pop(_EVENTS, None)
        if events:
            publish(events)

    def rolled_back(session: Session) -> None:
        session.info.pop(_EVENTS, None)

    event.listen(sessions, "after_commit", committed)
    event.listen(sessions, "after_rollback", rolled_back)
