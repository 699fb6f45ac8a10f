"""A privacy request carried out whole: the export or erasure in one transaction (with its audit entry), then,
for an erasure, the event log's copies once the transaction has committed. The command line and the admin page
both call these."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from heard.audit.trail import Actor, record
from heard.privacy.erase import Erasure, LogEraser, erase_person
from heard.privacy.export import export_person
from heard.privacy.person import find_person


def export_request(
    sessions: sessionmaker[Session],
    *,
    actor: Actor,
    now: datetime,
    contact_id: int | None = None,
    handle: str | None = None,
    network: str | None = None,
) -> dict[str, Any]:
    with sessions.begin() as session:
        person = find_person(session, contact_id=contact_id, handle=handle, network=network)
        document = export_person(session, person, now)
        detail = {"contact_ids": list(person.contact_ids), "posts": len(document["posts"])}
        record(session, actor, "privacy.exported", "contact", ",".join(map(str, person.contact_ids)), detail, at=now)
    return document


def erase_request(
    sessions: sessionmaker[Session],
    log: object,
    *,
    actor: Actor,
    now: datetime,
    contact_id: int | None = None,
    handle: str | None = None,
    network: str | None = None,
) -> Erasure:
    """Erase in the database, commit, then in the event log when it can (`log_records` counts how many records
    changed; -1 when the log keeps its own copies, JetStream, whose retention limits drop them)."""
    with sessions.begin() as session:
        person = find_person(session, contact_id=contact_id, handle=handle, network=network)
        erasure = erase_person(session, person, actor=actor, now=now)
    # After the commit: the SQL log writes on its own connection, which SQLite would make wait for ours.
    erasure.counts["log_records"] = log.erase_matching(erasure.needles) if isinstance(log, LogEraser) else -1
    return erasure
