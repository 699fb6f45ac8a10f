"""Wires the parts together from settings: one Runtime per process, passed to whatever needs it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import structlog
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from heard.clock import Clock, SystemClock
from heard.db.engine import make_engine, session_factory
from heard.db.migrate import upgrade
from heard.db.unit import publish_on_commit
from heard.schema import MODEL_MODULES
from heard.settings import Settings
from heard.stream.base import EventLog, publish_events
from heard.stream.memory import MemoryLog
from heard.stream.sql_log import SqlLog

# Every mapped class must be imported before the first query, or foreign keys between features cannot resolve.
assert MODEL_MODULES


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    log: EventLog
    clock: Clock = field(default_factory=SystemClock)

    def close(self) -> None:
        self.log.close()
        self.engine.dispose()

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *exc: object) -> None:
        """A command's runtime is closed however the command ends (`with build_runtime(...) as runtime:`)."""
        self.close()


def make_event_log(settings: Settings, engine: Engine, clock: Clock) -> EventLog:
    if settings.event_log == "memory":
        return MemoryLog(clock, settings.ack_wait_s)
    if settings.event_log == "nats":
        from heard.stream.nats import NatsLog  # optional extra: imported only when asked for

        return NatsLog(settings.nats_url, settings.nats_prefix, settings.ack_wait_s)
    return SqlLog(engine, clock, settings.ack_wait_s)


def configure_logging(level: str) -> None:
    """Structured logs below HEARD_LOG_LEVEL are dropped (an unknown level name keeps INFO)."""
    number = logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(number))


def build_runtime(settings: Settings, clock: Clock | None = None, migrate: bool = True) -> Runtime:
    """The process's runtime. Its sessions publish the events their transactions register to its event log,
    once each transaction commits (`heard.db.unit`)."""
    configure_logging(settings.log_level)
    clock = clock or SystemClock()
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    log = make_event_log(settings, engine, clock)
    sessions = session_factory(engine)
    publish_on_commit(sessions, lambda events: publish_events(log, events))
    return Runtime(settings, engine, sessions, log, clock)
