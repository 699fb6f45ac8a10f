"""Record an entry on the caller's transaction; list and export the trail."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.audit.models import AuditEntry

#: What the trail records, by action name (docs/audit.md lists them).
ACTIONS = (
    "conversation.assigned",
    "conversation.status_changed",
    "conversation.tagged",
    "reply.queued",
    "reply.approved",
    "reply.edited",
    "reply.rejected",
    "rule.created",
    "rule.updated",
    "rule.deleted",
    "saved_reply.changed",
    "article.published",
    "agent.created",
    "agent.password_set",
    "token.created",
    "token.revoked",
    "routing.changed",
    "availability.changed",
    "conversations.bulk",
    "view.changed",
    "contacts.merged",
    "contacts.unmerged",
    "privacy.exported",
    "privacy.erased",
)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: an agent (id and e-mail) or a named non-agent ("system", "cli")."""

    id: int | None
    label: str


SYSTEM = Actor(None, "system")
CLI = Actor(None, "cli")


def record(
    session: Session,
    actor: Actor,
    action: str,
    subject: str,
    subject_id: object = "",
    detail: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """Add an entry to the transaction `session` is in: it commits with the change, or neither does."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    session.add(
        AuditEntry(
            at=at or datetime.now(UTC),
            actor_id=actor.id,
            actor=actor.label[:320],
            action=action,
            subject=subject,
            subject_id=str(subject_id),
            detail=dict(detail or {}),
        )
    )


@dataclass(frozen=True, slots=True)
class EntryView:
    id: int
    at: datetime
    actor: str
    actor_id: int | None
    action: str
    subject: str
    subject_id: str
    detail: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "actor_id": self.actor_id,
            "action": self.action,
            "subject": self.subject,
            "subject_id": self.subject_id,
            "detail": self.detail,
        }


def entries(
    session: Session,
    *,
    action: str | None = None,
    actor_id: int | None = None,
    since: datetime | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[EntryView]:
    """The newest entries first, filtered; page with `before_id` (the last id of the previous page)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(max(1, min(limit, 10_000)))
    if action:
        query = query.where(AuditEntry.action == action)
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return [
        EntryView(e.id, e.at, e.actor, e.actor_id, e.action, e.subject, e.subject_id, dict(e.detail or {}))
        for e in session.scalars(query)
    ]


def to_csv(rows: Iterable[EntryView]) -> str:
    """The trail as CSV, one entry a line; `detail` as compact JSON in the last column."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "at", "actor", "actor_id", "action", "subject", "subject_id", "detail"])
    for row in rows:
        writer.writerow(
            [
                row.id,
                row.at.isoformat(),
                safe_cell(row.actor),
                "" if row.actor_id is None else row.actor_id,
                row.action,
                row.subject,
                safe_cell(row.subject_id),
                safe_cell(json.dumps(row.detail, separators=(",", ":"), sort_keys=True)),
            ]
        )
    return out.getvalue()


def safe_cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run as a formula (CSV injection): text that starts with = + - @ gets a
    leading '; None becomes an empty cell. Every CSV export of Heard writes its cells through this."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
