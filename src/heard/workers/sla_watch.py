"""Records missed response targets every `every_s` seconds (the timers on the pages are computed, not stored;
breaches are stored so reports can count them after the conversation is answered)."""

from __future__ import annotations

import threading

import structlog
from sqlalchemy.exc import IntegrityError

from heard.app import Runtime
from heard.inbox.sla import record_breaches

log = structlog.get_logger(__name__)


class SlaWatcher:
    """Any number may run: a breach another process stored first makes this sweep roll back and retry later."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def run_once(self) -> int:
        try:
            with self.runtime.sessions.begin() as session:
                return record_breaches(session, self.runtime.clock.now())
        except IntegrityError:
            return 0

    def run(self, stop: threading.Event, every_s: float = 30.0) -> None:
        while not stop.is_set():
            try:
                self.run_once()
            except Exception:
                log.exception("sla sweep failed; the next one retries")
            stop.wait(every_s)
