"""Working a conversation: assign it, set its status (open, pending, snoozed until, resolved), write private
notes. Each action changes rows in the caller's transaction and registers its events on it (published after
commit).

Guard clauses hold the invariants: only agents and admins can be assigned; a snooze ends in the future; a note
is never empty and is stored as direction "note", which no publisher sends anywhere.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from heard.accounts.agents import AgentIdentity
from heard.accounts.models import Agent
from heard.audit.trail import Actor, record
from heard.conversations.models import Conversation, Message
from heard.db.unit import emit
from heard.errors import NotFound, Refused
from heard.events import ConversationAssigned, ConversationStatusChanged, NoteAdded

STATUSES = ("open", "pending", "snoozed", "resolved")
MAX_NOTE_CHARS = 10_000
MAX_SNOOZE = timedelta(days=90)


class WorkflowError(Refused):
    """The change cannot be made as asked; the message says why, for the agent to read."""


def _conversation(session: Session, conversation_id: int) -> Conversation:
    conversation = session.get(Conversation, conversation_id, with_for_update=True)
    if conversation is None:
        raise NotFound("No such conversation")
    return conversation


def assign(session: Session, conversation_id: int, assignee_id: int | None, by: AgentIdentity) -> None:
    """Give the conversation to an agent (None: to nobody). Assigning it to whoever has it changes nothing."""
    conversation = _conversation(session, conversation_id)
    if assignee_id is not None:
        assignee = session.get(Agent, assignee_id)
        if assignee is None:
            raise NotFound("No such agent")
        if assignee.role not in ("agent", "editor", "lead", "admin"):
            raise WorkflowError(f"{assignee.name} is a viewer and cannot work conversations")
    if conversation.assignee_id == assignee_id:
        return
    conversation.assignee_id = assignee_id
    emit(session, ConversationAssigned(conversation.id, assignee_id, by.id))
    record(
        session,
        Actor(by.id, by.email),
        "conversation.assigned",
        "conversation",
        conversation.id,
        {"assignee_id": assignee_id},
    )


def set_status(
    session: Session,
    conversation_id: int,
    status: str,
    by: AgentIdentity,
    now: datetime,
    snoozed_until: datetime | None = None,
) -> None:
    """Set the status; `snoozed_until` is required for (and only kept with) "snoozed"."""
    if status not in STATUSES:
        raise WorkflowError(f"Unknown status {status[:20]!r}")
    if status == "snoozed":
        if snoozed_until is None or not now < snoozed_until <= now + MAX_SNOOZE:
            raise WorkflowError("A snooze needs a time in the next 90 days")
    else:
        snoozed_until = None
    conversation = _conversation(session, conversation_id)
    if (conversation.status, conversation.snoozed_until) == (status, snoozed_until):
        return
    conversation.status = status
    conversation.snoozed_until = snoozed_until
    until = snoozed_until.isoformat() if snoozed_until is not None else None
    emit(session, ConversationStatusChanged(conversation.id, status, until, by.id))
    detail = {"status": status, "snoozed_until": until}
    record(
        session, Actor(by.id, by.email), "conversation.status_changed", "conversation", conversation.id, detail, at=now
    )


def add_note(session: Session, conversation_id: int, text: str, by: AgentIdentity, now: datetime) -> None:
    """A private note in the thread, for the team only."""
    body = text.strip()
    if not body:
        raise WorkflowError("A note cannot be empty")
    if len(body) > MAX_NOTE_CHARS:
        raise WorkflowError(f"A note can have at most {MAX_NOTE_CHARS} characters")
    conversation = _conversation(session, conversation_id)
    note = Message(
        conversation_id=conversation.id,
        direction="note",
        author_handle=by.name,
        agent_id=by.id,
        text=body,
        created_at=now,
        delivery_state="note",
    )
    session.add(note)
    session.flush()
    emit(session, NoteAdded(conversation.id, note.id, by.id))
