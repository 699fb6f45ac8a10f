"""Bulk actions on the queue: assign, tag, resolve or snooze many conversations at once, each through the same
action one conversation uses (so each is checked, audited and announced), in one transaction: all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from heard.accounts.agents import AgentIdentity
from heard.audit.trail import Actor, record
from heard.errors import BadInput
from heard.inbox.tags import tag_conversations
from heard.inbox.workflow import assign, set_status

ACTIONS = ("assign", "unassign", "tag", "untag", "resolve", "reopen", "snooze")
MAX_BULK = 500


def bulk_action(
    session: Session,
    conversation_ids: Sequence[int],
    action: str,
    *,
    by: AgentIdentity,
    now: datetime,
    agent_id: int | None = None,
    tags: Sequence[str] = (),
    snooze_hours: float | None = None,
) -> int:
    """Apply `action` to every conversation; returns how many. A refusal for any of them refuses all."""
    ids = list(dict.fromkeys(conversation_ids))
    if not ids:
        raise BadInput("choose at least one conversation")
    if len(ids) > MAX_BULK:
        raise BadInput(f"at most {MAX_BULK} conversations at once")
    if action not in ACTIONS:
        raise BadInput(f"unknown bulk action {action[:20]!r}")
    if action in ("tag", "untag"):
        cleaned = [t for t in tags if t.strip()]
        if not cleaned:
            raise BadInput("name a tag")
        tag_conversations(
            session,
            ids,
            add=cleaned if action == "tag" else (),
            remove=cleaned if action == "untag" else (),
            by=by,
            now=now,
        )
    elif action in ("assign", "unassign"):
        if action == "assign" and agent_id is None:
            raise BadInput("choose the agent")
        for cid in ids:
            assign(session, cid, agent_id if action == "assign" else None, by)
    else:
        until = None
        if action == "snooze":
            if snooze_hours is None or snooze_hours <= 0:
                raise BadInput("snooze for how many hours?")
            until = now + timedelta(hours=snooze_hours)
        status = {"resolve": "resolved", "reopen": "open", "snooze": "snoozed"}[action]
        for cid in ids:
            set_status(session, cid, status, by, now, until)
    record(
        session,
        Actor(by.id, by.email),
        "conversations.bulk",
        "conversations",
        len(ids),
        {"action": action, "ids": ids[:50]},
        at=now,
    )
    return len(ids)
