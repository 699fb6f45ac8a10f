"""Saved replies: a team's written answers with variables, inserted from the composer and made personal each
time, then reviewed by the coach, so a saved reply never goes out as the same text to everyone in an incident.

Variables: {customer_name} (first name, or the handle), {customer_handle}, {incident} (what the incident is
called), {article_link} (the published fix for the conversation's incident), {agent_name}, {agent_signature}
("– Maria"). A variable with no value in this conversation is left out, with the space before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from heard.accounts.agents import AgentIdentity
from heard.audit.trail import Actor, record
from heard.bidi import neutralised
from heard.coach.review import Review, ReviewContext
from heard.coach.reviewer import review as review_draft
from heard.coach.situation import usable_name
from heard.db.base import Base, UTCDateTime
from heard.errors import BadInput, Forbidden, NotFound
from heard.inbox.coaching import context_for_conversation

VARIABLES = ("customer_name", "customer_handle", "incident", "article_link", "agent_name", "agent_signature")
MAX_BODY = 5000
_VARIABLE = re.compile(r"\{(\w+)\}")
_VARIABLE_WITH_SPACE = re.compile(r" ?\{(\w+)\}")
_SHORTCUT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


class SavedReply(Base):
    """A saved reply: shared with the team (`owner_id` None) or one agent's own."""

    __tablename__ = "saved_replies"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(128))
    shortcut: Mapped[str] = mapped_column(String(32), index=True)
    body: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


def _check(title: str, shortcut: str, body: str) -> tuple[str, str, str]:
    title = " ".join(title.split())
    shortcut = shortcut.strip().lower().lstrip("/")
    body = body.strip()
    if not title or len(title) > 128:
        raise BadInput("a saved reply needs a title of 1 to 128 characters")
    if not _SHORTCUT.match(shortcut):
        raise BadInput("a shortcut is 1 to 32 lower-case letters, digits, - or _ (typed after / in the composer)")
    if not body or len(body) > MAX_BODY:
        raise BadInput(f"a saved reply needs a text of 1 to {MAX_BODY} characters")
    if unknown := sorted({v for v in _VARIABLE.findall(body) if v not in VARIABLES}):
        raise BadInput(f"unknown variable {{{unknown[0]}}}: use {', '.join('{' + v + '}' for v in VARIABLES)}")
    return title, shortcut, body


def visible_to(me: AgentIdentity) -> Any:
    return or_(SavedReply.owner_id.is_(None), SavedReply.owner_id == me.id)


def list_saved_replies(session: Session, me: AgentIdentity, query: str = "") -> list[SavedReply]:
    """The team's and my own saved replies, most used first; `query` filters by shortcut or title."""
    stmt = select(SavedReply).where(visible_to(me))
    if query.strip():
        needle = query.strip().lower()[:64]
        stmt = stmt.where(
            or_(
                SavedReply.shortcut.startswith(needle, autoescape=True),
                SavedReply.title.icontains(needle, autoescape=True),
            )
        )
    return list(session.scalars(stmt.order_by(SavedReply.uses.desc(), SavedReply.shortcut).limit(50)))


def get_saved_reply(session: Session, reply_id: int, me: AgentIdentity) -> SavedReply:
    found = session.get(SavedReply, reply_id)
    if found is None or (found.owner_id is not None and found.owner_id != me.id):
        raise NotFound(f"no saved reply {reply_id}")
    return found


def save_reply(
    session: Session,
    me: AgentIdentity,
    now: datetime,
    *,
    title: str,
    shortcut: str,
    body: str,
    shared: bool,
    reply_id: int | None = None,
) -> SavedReply:
    """Create or change a saved reply. Shared ones are the team's: only editors and admins write them."""
    title, shortcut, body = _check(title, shortcut, body)
    if shared and not me.can("editor"):
        raise Forbidden("only editors and admins write the team's saved replies; save it as your own")
    if reply_id is None:
        found = SavedReply(uses=0, created_at=now)
        session.add(found)
    else:
        found = get_saved_reply(session, reply_id, me)
        if found.owner_id is None and not me.can("editor"):
            raise Forbidden("only editors and admins change the team's saved replies")
    found.title, found.shortcut, found.body = title, shortcut, body
    found.owner_id = None if shared else me.id
    found.updated_at = now
    session.flush()
    record(session, Actor(me.id, me.email), "saved_reply.changed", "saved_reply", found.id, {"shared": shared}, at=now)
    return found


def delete_saved_reply(session: Session, reply_id: int, me: AgentIdentity, now: datetime) -> None:
    found = get_saved_reply(session, reply_id, me)
    if found.owner_id is None and not me.can("editor"):
        raise Forbidden("only editors and admins delete the team's saved replies")
    session.delete(found)
    record(session, Actor(me.id, me.email), "saved_reply.changed", "saved_reply", reply_id, {"deleted": True}, at=now)


@dataclass(frozen=True, slots=True)
class Inserted:
    text: str
    review: Review


def _first_name(ctx: ReviewContext) -> str:
    """The coach's reading of the display name (never a numeric id, a handle or a bidi control), else the handle."""
    handle = ctx.customer_handle.lstrip("@")
    return usable_name(ctx) or ("@" + handle if handle else "")


def personalise(body: str, ctx: ReviewContext) -> str:
    values = {
        "customer_name": _first_name(ctx),
        "customer_handle": "@" + ctx.customer_handle.lstrip("@") if ctx.customer_handle else "",
        "incident": neutralised(ctx.incident_title),
        "article_link": ctx.article_url or "",
        "agent_name": ctx.agent_name,
        "agent_signature": f"– {ctx.agent_name.split()[0]}" if ctx.agent_name.strip() else "",
    }

    def fill(found: re.Match[str]) -> str:
        value = values.get(found.group(1), "")
        # the space before a variable goes with it, so a missing value leaves no double space
        return (" " if found.group(0).startswith(" ") else "") + value if value else ""

    text = _VARIABLE_WITH_SPACE.sub(fill, body)
    return "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()


def _same(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


def insert_saved_reply(
    session: Session, conversation_id: int, reply_id: int, me: AgentIdentity, *, kb_base_url: str = "/kb"
) -> Inserted:
    """The saved reply made personal for this conversation, with the coach's review of it. When the result is word
    for word a reply already sent in the incident, it is greeted by name so it is not (and the coach still sees
    every near-copy)."""
    saved = get_saved_reply(session, reply_id, me)
    ctx = context_for_conversation(session, conversation_id, agent_name=me.name, kb_base_url=kb_base_url)
    text = personalise(saved.body, ctx)
    name = _first_name(ctx)
    if name and any(_same(text, earlier) for earlier in ctx.previous_replies):
        text = f"Hi {name}, {text[:1].lower()}{text[1:]}"
    saved.uses = (saved.uses or 0) + 1
    session.flush()
    return Inserted(text, review_draft(text, ctx))
