"""Saving the radar's learnt state in the store and loading it back (see `heard.radar.snapshot`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from heard.alerts.models import RadarSnapshot
from heard.radar import snapshot
from heard.radar.radar import Radar


def save_radar(session: Session, radar: Radar, name: str, now: datetime) -> int:
    """Store the radar's state under `name`, replacing the last one; returns the number of series saved."""
    blob, series = snapshot.dump(radar, now)
    row = session.get(RadarSnapshot, name)
    if row is None:
        session.add(RadarSnapshot(name=name, saved_at=now, series=series, body=blob))
    else:
        row.saved_at, row.series, row.body = now, series, blob
    return series


def load_radar(session: Session, radar: Radar, name: str) -> tuple[int, datetime] | None:
    """Load the state saved under `name` into `radar`: (series restored, when it was saved), or None when there
    is none. Raises `snapshot.IncompatibleSnapshot` when it was written by a radar with other fields."""
    row = session.get(RadarSnapshot, name)
    if row is None:
        return None
    return snapshot.restore(radar, row.body), row.saved_at
