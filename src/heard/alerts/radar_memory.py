"""Saving the radar's learnt state in the store and loading it back (see `heard.radar.snapshot`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from heard.alerts.models import RadarLease, RadarSnapshot
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


def hold_lease(session: Session, name: str, holder: str, now: datetime, seconds: float) -> bool:
    """Take or renew the lease `name` for `holder` until `now + seconds`; False while another holder's lease
    runs. Two processes that both find no row race on the primary key: the loser's flush fails and it waits."""
    row = session.get(RadarLease, name, with_for_update=True)
    until = now + timedelta(seconds=seconds)
    if row is None:
        session.add(RadarLease(name=name, holder=holder, expires_at=until))
        session.flush()
        return True
    if row.holder != holder and row.expires_at > now:
        return False
    row.holder, row.expires_at = holder, until
    return True


def release_lease(session: Session, name: str, holder: str, now: datetime) -> None:
    """Give the lease up at once (a clean stop), so a waiting radar need not wait for it to run out."""
    row = session.get(RadarLease, name, with_for_update=True)
    if row is not None and row.holder == holder:
        row.expires_at = now
