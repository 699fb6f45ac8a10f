"""Working a conversation over htmx: assign, set the status, add a private note. Each route parses the form,
runs one action (heard.inbox.workflow), and answers with the refreshed thread (htmx) or a redirect back to the
conversation (a plain form post)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from heard.app import Runtime
from heard.conversations.models import Conversation
from heard.errors import NotFound
from heard.inbox.queries import agent_names
from heard.inbox.workflow import MAX_NOTE_CHARS, add_note, assign, set_status
from heard.web.auth import Worker
from heard.web.deps import get_runtime
from heard.web.routes.conversations import render_thread

router = APIRouter()
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def _answer(request: Request, runtime: Runtime, conversation_id: int, undo: dict[str, Any] | None = None) -> Response:
    if request.headers.get("hx-request"):
        return render_thread(request, runtime, conversation_id, undo)
    return RedirectResponse(f"/conversations/{conversation_id}", status_code=303)


def _before(session: Session, conversation_id: int) -> Conversation:
    conversation = session.get(Conversation, conversation_id) if 0 < conversation_id < 2**63 else None
    if conversation is None:
        raise NotFound("No such conversation")
    return conversation


def _undo_assign(session: Session, before: int | None, after: int | None) -> dict[str, Any] | None:
    """The form that gives the conversation back to whoever had it (the undo line under the header)."""
    if before == after:
        return None
    names = agent_names(session, {after})
    done = f"Assigned to {names[after]}" if after is not None and after in names else "Unassigned"
    return {"action": "assign", "fields": {"assignee": "" if before is None else str(before)}, "done": done}


def _undo_status(before: str, until: datetime | None, after: str) -> dict[str, Any] | None:
    if before == after and after != "snoozed":
        return None
    fields = {"status": before, "until": until.isoformat() if until is not None else ""}
    done = {"resolved": "Resolved", "snoozed": "Snoozed", "pending": "Set to pending", "open": "Reopened"}
    return {"action": "status", "fields": fields, "done": done.get(after, after)}


@router.post("/conversations/{conversation_id}/assign")
def assign_conversation(
    request: Request,
    conversation_id: int,
    me: Worker,
    runtime: RuntimeDep,
    assignee: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """assignee: an agent id, "me", or empty for nobody."""
    if assignee == "me":
        chosen: int | None = me.id
    elif assignee.isdigit():
        chosen = int(assignee)
    elif assignee == "":
        chosen = None
    else:
        raise HTTPException(status_code=400, detail="Choose an agent")
    with runtime.sessions.begin() as session:
        before = _before(session, conversation_id).assignee_id
        assign(session, conversation_id, chosen, me)
        undo = _undo_assign(session, before, chosen)
    return _answer(request, runtime, conversation_id, undo)


@router.post("/conversations/{conversation_id}/status")
def change_status(
    request: Request,
    conversation_id: int,
    me: Worker,
    runtime: RuntimeDep,
    status: Annotated[str, Form(max_length=16)],
    snooze_hours: Annotated[int, Form(ge=0, le=24 * 90)] = 0,
    until: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """`until` (ISO time) snoozes to an exact time: what undo sends to put a snooze back as it was."""
    now = runtime.clock.now()
    snoozed_until = now + timedelta(hours=snooze_hours) if status == "snoozed" and snooze_hours else None
    if status == "snoozed" and until:
        try:
            snoozed_until = datetime.fromisoformat(until)
        except ValueError:
            raise HTTPException(status_code=400, detail="Choose a time to snooze until") from None
    with runtime.sessions.begin() as session:
        conversation = _before(session, conversation_id)
        before, before_until = conversation.status, conversation.snoozed_until
        set_status(session, conversation_id, status, me, now, snoozed_until)
        undo = _undo_status(before, before_until, status)
    return _answer(request, runtime, conversation_id, undo)


@router.post("/conversations/{conversation_id}/notes")
def write_note(
    request: Request,
    conversation_id: int,
    me: Worker,
    runtime: RuntimeDep,
    text: Annotated[str, Form(max_length=MAX_NOTE_CHARS * 2)],
) -> Response:
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        add_note(session, conversation_id, text, me, now)
    return _answer(request, runtime, conversation_id)
