"""Wires the parts together from settings: one Runtime per process, passed to whatever needs it."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from heard.clock import Clock, SystemClock
from heard.db.engine import make_engine, session_factory
from heard.db.migrate import upgrade
from heard.schema import MODEL_MODULES
from heard.settings import Settings
from heard.stream.base import EventLog
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


def build_runtime(settings: Settings, clock: Clock | None = None, migrate: bool = True) -> Runtime:
    clock = clock or SystemClock()
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    return Runtime(settings, engine, session_factory(engine), make_event_log(settings, engine, clock), clock)
