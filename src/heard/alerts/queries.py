"""Read side of alerts: recent alerts, the posts behind one, rules and hashtag proposals."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from heard.alerts.models import Alert, AlertDelivery, AlertRule, HashtagProposal
from heard.conversations.models import PostRecord
from heard.db.keys import pairs_match
from heard.incidents.models import Incident

MAX_ALERTS = 200


def recent_alerts(
    session: Session, limit: int = 50, status: str | None = None, brand: str | None = None
) -> Sequence[Alert]:
    """The newest alerts, of one status and one brand when given."""
    query = select(Alert).order_by(Alert.created_at.desc(), Alert.id.desc()).limit(max(1, min(limit, MAX_ALERTS)))
    if status:
        query = query.where(Alert.status == status)
    if brand:
        query = query.where(Alert.brand == brand)
    return session.scalars(query).all()


def alert_posts(session: Session, alert: Alert) -> Sequence[PostRecord]:
    """The stored posts behind an alert, oldest first."""
    pairs = [(net, ext) for net, _, ext in (key.partition(":") for key in alert.post_keys if ":" in key)]
    if not pairs:
        return []
    chosen = pairs_match(PostRecord.__table__.c.network, PostRecord.__table__.c.external_id, pairs)
    query = select(PostRecord).where(chosen).order_by(PostRecord.created_at)
    return session.scalars(query).all()


def incident_alerts(session: Session, incident_id: int) -> Sequence[Alert]:
    """Alerts raised on an incident or on any incident merged into it (alerts keep the id they were raised on;
    merges leave a trail in `Incident.merged_into_id`), oldest first."""
    ids = {incident_id}
    frontier = {incident_id}
    while frontier:
        frontier = set(session.scalars(select(Incident.id).where(Incident.merged_into_id.in_(frontier)))) - ids
        ids |= frontier
    query = select(Alert).where(Alert.incident_id.in_(ids)).order_by(Alert.created_at, Alert.id)
    return session.scalars(query).all()


def deliveries(session: Session, alert_id: int) -> Sequence[AlertDelivery]:
    return session.scalars(select(AlertDelivery).where(AlertDelivery.alert_id == alert_id)).all()


def rules(session: Session) -> Sequence[AlertRule]:
    return session.scalars(select(AlertRule).order_by(AlertRule.name)).all()


def proposals(session: Session, status: str | None = "proposed", brand: str | None = None) -> Sequence[HashtagProposal]:
    """Hashtag proposals, fastest growing first; of one brand when given."""
    query = select(HashtagProposal).order_by(HashtagProposal.growth.desc())
    if status:
        query = query.where(HashtagProposal.status == status)
    if brand:
        query = query.where(HashtagProposal.brand == brand)
    return session.scalars(query).all()


def accepted_hashtags(session: Session) -> set[str]:
    """Hashtags accepted into the listening rules."""
    query = select(HashtagProposal.tag).where(HashtagProposal.status == "accepted")
    return set(session.scalars(query).all())


def open_alert_counts(session: Session) -> dict[str, int]:
    """How many alerts are open, by kind ("pileon", "volume")."""
    query = select(Alert.kind, func.count()).where(Alert.status == "open").group_by(Alert.kind).order_by(Alert.kind)
    return {kind: int(count) for kind, count in session.execute(query).all()}


def thread_roots(session: Session, alerts: Sequence[Alert]) -> dict[int, PostRecord]:
    """The complaint each pile-on alert's thread started from, by alert id (when it is stored)."""
    wanted: dict[tuple[str, str], list[int]] = {}
    for alert in alerts:
        kind, _, rest = alert.series_key.partition(":")
        network, _, external_id = rest.partition(":")
        if kind == "thread" and external_id:
            wanted.setdefault((network, external_id), []).append(alert.id)
    if not wanted:
        return {}
    chosen = pairs_match(PostRecord.__table__.c.network, PostRecord.__table__.c.external_id, list(wanted))
    found: dict[int, PostRecord] = {}
    for post in session.scalars(select(PostRecord).where(chosen)):
        for alert_id in wanted.get((post.network, post.external_id), []):
            found[alert_id] = post
    return found


def open_alert_total(sessions: Callable[[], Session]) -> int:
    """How many alerts are open (the navigation's badge), in a short session of its own."""
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Alert).where(Alert.status == "open")) or 0)
