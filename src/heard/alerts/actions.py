"""Write side of alerts: store the radar's spikes as alerts, move pile-on threads to the top of the inbox,
keep hashtag proposals, and manage alert rules. The caller owns the transaction; the events are registered on it."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.alerts.models import Alert, AlertRule, HashtagProposal
from heard.clock import as_utc
from heard.conversations.models import Conversation, PostRecord
from heard.db.unit import emit
from heard.errors import BadInput, NotFound
from heard.events import AlertRaised, ConversationUpdated
from heard.radar.hashtags import HashtagProposal as Proposal
from heard.radar.spike import SENSITIVITIES, Spike

#: A thread with a pile-on outranks everything an agent would otherwise sort by.
PILEON_PRIORITY = 100
MAX_POST_KEYS = 50
TARGET_KINDS = ("webhook", "chat", "email")


@dataclass
class RecordedAlerts:
    """Alerts opened and updated by one batch of spikes, and conversations whose place in the queue changed."""

    opened: list[Alert] = field(default_factory=list)
    updated: list[Alert] = field(default_factory=list)
    conversation_ids: set[int] = field(default_factory=set)


def record_spikes(session: Session, spikes: Sequence[Spike], now: datetime) -> RecordedAlerts:
    result = RecordedAlerts()
    for spike in spikes:
        alert = _open_alert(session, spike.series_key) if spike.ongoing else None
        if alert is None:
            alert = _new_alert(session, spike, now)
            result.opened.append(alert)
        else:
            _update(alert, spike, now)
            if alert not in result.opened:
                result.updated.append(alert)
        if alert.conversation_id is not None and _raise_in_queue(session, alert.conversation_id, spike):
            result.conversation_ids.add(alert.conversation_id)
    session.flush()
    emit(session, *(_raised(a) for a in result.opened))
    emit(session, *(ConversationUpdated(c) for c in sorted(result.conversation_ids)))
    return result


def _raised(alert: Alert) -> AlertRaised:
    return AlertRaised(
        alert.id, alert.kind, alert.series_key, round(alert.severity, 3), alert.conversation_id, alert.incident_id
    )


def _open_alert(session: Session, series_key: str) -> Alert | None:
    query = (
        select(Alert)
        .where(Alert.series_key == series_key, Alert.status == "open")
        .order_by(Alert.created_at.desc(), Alert.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def _new_alert(session: Session, spike: Spike, now: datetime) -> Alert:
    alert = Alert(
        kind=spike.kind,
        series_key=spike.series_key[:256],
        brand=_brand(spike),
        severity=spike.severity,
        observed=spike.observed,
        expected=spike.expected,
        started_at=spike.started_at,
        created_at=now,
        updated_at=now,
        conversation_id=thread_conversation(session, spike.series_key),
        incident_id=_incident(spike.series_key),
        evidence=_jsonable(spike.evidence),
        status="open",
        post_keys=list(spike.post_keys[:MAX_POST_KEYS]),
    )
    session.add(alert)
    session.flush()
    return alert


def _brand(spike: Spike) -> str | None:
    brand = spike.evidence.get("brand")
    return str(brand)[:64] if isinstance(brand, str) and brand != "all" else None


def _update(alert: Alert, spike: Spike, now: datetime) -> None:
    alert.severity = max(alert.severity, spike.severity)
    alert.observed = spike.observed
    alert.expected = spike.expected
    alert.updated_at = now
    alert.evidence = {**alert.evidence, **_jsonable(spike.evidence)}
    keys = list(dict.fromkeys([*alert.post_keys, *spike.post_keys]))
    alert.post_keys = keys[:MAX_POST_KEYS]


def _jsonable(evidence: dict[str, Any]) -> dict[str, Any]:
    return {k: (v if isinstance(v, int | float | str | bool) or v is None else str(v)) for k, v in evidence.items()}


def thread_conversation(session: Session, series_key: str) -> int | None:
    """The conversation of the post a "thread:<network>:<id>" series is about, if it is stored."""
    if not series_key.startswith("thread:"):
        return None
    network, _, external_id = series_key.removeprefix("thread:").partition(":")
    query = select(PostRecord.conversation_id).where(
        PostRecord.network == network, PostRecord.external_id == external_id
    )
    return session.scalars(query).first()


def _incident(series_key: str) -> int | None:
    if series_key.startswith("incident:"):
        number = series_key.removeprefix("incident:")
        return int(number) if number.isdigit() else None
    return None


def _raise_in_queue(session: Session, conversation_id: int, spike: Spike) -> bool:
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        return False
    urgency = spike.evidence.get("urgency")
    new_urgency = max(conversation.urgency or 0, int(urgency) if isinstance(urgency, int | float) else 0)
    if conversation.priority >= PILEON_PRIORITY and conversation.urgency == new_urgency:
        return False
    conversation.priority = max(conversation.priority, PILEON_PRIORITY)
    conversation.urgency = new_urgency
    return True


def acknowledge(
    session: Session,
    alert_id: int,
    now: datetime,
    status: str = "acknowledged",
    by: tuple[int | None, str] | None = None,
) -> Alert:
    """Set an alert's status; acknowledging records who (`by`: agent id and name) and when."""
    if status not in ("acknowledged", "resolved", "open"):
        raise BadInput(f"unknown alert status {status!r}")
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFound(f"no alert {alert_id}")
    if status == "acknowledged" or (status == "resolved" and alert.acknowledged_at is None):
        alert.acknowledged_by_id, alert.acknowledged_by = by if by is not None else (None, None)
        alert.acknowledged_at = now
    elif status == "open":
        alert.acknowledged_by_id = alert.acknowledged_by = alert.acknowledged_at = None
    alert.status = status
    alert.updated_at = now
    return alert


def close_quiet_alerts(session: Session, now: datetime, quiet_for: timedelta = timedelta(hours=2)) -> int:
    """Resolve open alerts nothing has updated for `quiet_for`, so the next spike of the series opens anew."""
    stale = session.scalars(select(Alert).where(Alert.status == "open")).all()
    closed = 0
    for alert in stale:
        last = as_utc(alert.updated_at or alert.created_at)
        if now - last >= quiet_for:
            alert.status = "resolved"
            closed += 1
    return closed


def record_proposals(session: Session, proposals: Iterable[Proposal], now: datetime) -> list[HashtagProposal]:
    added = []
    for proposal in proposals:
        tag = proposal.tag.lower()[:128]
        if session.scalars(select(HashtagProposal.id).where(HashtagProposal.tag == tag)).first() is not None:
            continue
        row = HashtagProposal(
            tag=tag,
            first_seen=proposal.first_seen,
            posts=proposal.posts,
            authors=proposal.authors,
            growth=proposal.growth,
            complaint_share=proposal.complaint_share,
            examples=list(proposal.examples),
            brand=proposal.brand[:64] if proposal.brand and proposal.brand != "all" else None,
            status="proposed",
            created_at=now,
        )
        session.add(row)
        added.append(row)
    session.flush()
    return added


def decide_proposal(session: Session, tag: str, accept: bool, now: datetime) -> HashtagProposal:
    """Accept (the tag joins the listening rules) or reject a proposed hashtag."""
    normalised = "#" + tag.lower().lstrip("#")
    row = session.scalars(select(HashtagProposal).where(HashtagProposal.tag == normalised)).first()
    if row is None:
        raise BadInput(f"no proposal for {normalised}")
    row.status = "accepted" if accept else "rejected"
    row.decided_at = now
    return row


def create_rule(
    session: Session,
    name: str,
    now: datetime,
    series: str = "*",
    sensitivity: str = "normal",
    cooldown_s: int = 1800,
    min_severity: float = 0.0,
    targets: Sequence[dict[str, Any]] = (),
) -> AlertRule:
    _check_rule(name, sensitivity, cooldown_s, min_severity, targets)
    if session.scalars(select(AlertRule.id).where(AlertRule.name == name)).first() is not None:
        raise BadInput(f"a rule named {name!r} exists")
    rule = AlertRule(
        name=name,
        series=series,
        sensitivity=sensitivity,
        cooldown_s=cooldown_s,
        min_severity=min_severity,
        targets=[dict(t) for t in targets],
        enabled=True,
        created_at=now,
    )
    session.add(rule)
    session.flush()
    return rule


def _check_rule(
    name: str, sensitivity: str, cooldown_s: int, min_severity: float, targets: Sequence[dict[str, Any]]
) -> None:
    if not name.strip() or len(name) > 128:
        raise BadInput("a rule needs a name of at most 128 characters")
    if sensitivity not in SENSITIVITIES:
        raise BadInput(f"sensitivity must be one of {', '.join(SENSITIVITIES)}")
    if cooldown_s < 0 or not 0.0 <= min_severity <= 1.0:
        raise BadInput("cooldown must be >= 0 and min severity within 0..1")
    for target in targets:
        if target.get("kind") not in TARGET_KINDS:
            raise BadInput(f"target kind must be one of {', '.join(TARGET_KINDS)}")
        where = target.get("to") if target["kind"] == "email" else target.get("url")
        if not isinstance(where, str) or not where:
            raise BadInput(f"a {target['kind']} target needs {'to' if target['kind'] == 'email' else 'url'}")


def matching_rules(session: Session, alert: Alert, now: datetime) -> list[AlertRule]:
    """Enabled rules whose series glob and severity match the alert and whose cooldown has passed."""
    rules = session.scalars(select(AlertRule).where(AlertRule.enabled.is_(True)).order_by(AlertRule.id)).all()
    chosen = []
    for rule in rules:
        if not fnmatch.fnmatchcase(alert.series_key, rule.series) or alert.severity < rule.min_severity:
            continue
        if rule.last_notified_at is not None and now - as_utc(rule.last_notified_at) < timedelta(
            seconds=rule.cooldown_s
        ):
            continue
        chosen.append(rule)
    return chosen
