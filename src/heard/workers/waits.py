"""How much of a worker's time is spent waiting on the database and on the event log, so a cluster's operator
(and `heard bench cluster`) can tell which one to tune first.

Database time is the wall time of each statement the process's engine executes, plus its commits; log time is
the wall time of the log calls that returned work (a consume that found nothing is idle, not waiting) and of
the appends, including the events published after each commit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event

from heard.app import Runtime


@dataclass
class Waits:
    db_s: float = 0.0
    log_s: float = 0.0
    idle_s: float = 0.0
    started: float = field(default_factory=time.perf_counter)
    _in_commit: float = 0.0

    @classmethod
    def attach(cls, runtime: Runtime) -> Waits:
        """Start counting for this runtime's engine and log (one Waits per process)."""
        waits = cls()
        engine = runtime.engine

        @event.listens_for(engine, "before_cursor_execute")
        def _before(conn: Any, cursor: Any, statement: Any, params: Any, context: Any, many: bool) -> None:
            conn.info["heard_waits_at"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def _after(conn: Any, cursor: Any, statement: Any, params: Any, context: Any, many: bool) -> None:
            waits.db_s += time.perf_counter() - conn.info.pop("heard_waits_at", time.perf_counter())

        # The after-commit hook (heard.db.unit) holds this very log object, so its methods are timed on the
        # instance: the events it publishes count as log time too.
        log: Any = runtime.log
        log.append = waits._timed(log.append)
        log.ack = waits._timed(log.ack)
        log.consume = waits._timed_consume(log.consume)
        return waits

    def mark(self) -> tuple[float, float]:
        """Taken just before a transaction commits; hand it to `committed` just after."""
        return time.perf_counter(), self.log_s

    def committed(self, mark: tuple[float, float]) -> None:
        """The commit's time is the database's, less the events published to the log meanwhile."""
        started, log_before = mark
        self.db_s += max(0.0, time.perf_counter() - started - (self.log_s - log_before))

    def as_dict(self) -> dict[str, float]:
        wall = time.perf_counter() - self.started
        return {
            "wall_s": round(wall, 3),
            "db_wait_s": round(self.db_s, 3),
            "log_wait_s": round(self.log_s, 3),
            "idle_s": round(self.idle_s, 3),
            "db_wait_share": round(self.db_s / wall, 3) if wall else 0.0,
            "log_wait_share": round(self.log_s / wall, 3) if wall else 0.0,
        }

    def _timed(self, call: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                self.log_s += time.perf_counter() - started

        return timed

    def _timed_consume(self, call: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            records = call(*args, **kwargs)
            spent = time.perf_counter() - started
            if records:
                self.log_s += spent
            else:
                self.idle_s += spent
            return records

        return timed
