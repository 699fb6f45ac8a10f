"""The radar's memory across restarts, for whichever worker runs the radar (pipeline inline, or `heard radar`).

The state is loaded once, before the first batch, and saved every `HEARD_RADAR_SNAPSHOT_S` and on stop. A
snapshot that cannot be read or written costs a warm-up after the next restart, never the worker itself.
"""

from __future__ import annotations

from datetime import datetime

import structlog

from heard.alerts.radar_memory import load_radar, save_radar
from heard.app import Runtime
from heard.radar.radar import Radar
from heard.radar.snapshot import IncompatibleSnapshot

log = structlog.get_logger(__name__)


class RadarKeeper:
    """Loads and saves one radar's state under `name` (one row per radar process kind)."""

    def __init__(self, runtime: Runtime, radar: Radar | None, name: str) -> None:
        self.runtime = runtime
        self.radar = radar
        self.name = name
        self.loaded = False
        self._saved: datetime | None = None

    @property
    def enabled(self) -> bool:
        return self.radar is not None and bool(self.runtime.settings.radar_snapshot_s)

    def load_once(self) -> None:
        if not self.loaded:
            self.load()

    def load(self) -> int:
        """Load the state last saved under the name; the number of series restored."""
        self.loaded = True
        if self.radar is None or not self.enabled:
            return 0
        try:
            with self.runtime.sessions.begin() as session:
                loaded = load_radar(session, self.radar, self.name)
        except IncompatibleSnapshot as exc:
            log.warning("radar snapshot not loaded; the radar starts fresh", reason=str(exc))
            return 0
        except Exception:
            log.exception("radar snapshot not loaded; the radar starts fresh")
            return 0
        if loaded is None:
            return 0
        log.info("radar state loaded", series=loaded[0], saved_at=loaded[1].isoformat())
        return loaded[0]

    def save(self) -> int:
        """Save the state now; the series saved (0 without a radar or with saving turned off)."""
        if self.radar is None or not self.enabled:
            return 0
        now = self.runtime.clock.now()
        try:
            with self.runtime.sessions.begin() as session:
                saved = save_radar(session, self.radar, self.name, now)
        except Exception:
            log.exception("radar snapshot not saved")
            return 0
        self._saved = now
        return saved

    def save_when_due(self) -> None:
        interval = self.runtime.settings.radar_snapshot_s
        now = self.runtime.clock.now()
        if self._saved is None:
            self._saved = now
        elif interval and (now - self._saved).total_seconds() >= interval:
            self.save()
