"""Saved views: named inbox filters, the team's (shared) or an agent's own, listed with how many conversations
each shows right now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import JSON, ForeignKey, Integer, String, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from heard.accounts.agents import AgentIdentity
from heard.audit.trail import Actor, record
from heard.db.base import Base, UTCDateTime
from heard.errors import BadInput, Forbidden, NotFound
from heard.inbox.queries import InboxFilter, count_conversations

#: The inbox's query-string filters a view keeps (heard.web.routes.inbox.QueueParams reads the same names).
FIELDS = ("status", "network", "sentiment", "language", "assignee", "q")


class SavedView(Base):
    __tablename__ = "saved_views"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


@dataclass(frozen=True, slots=True)
class ViewCount:
    id: int
    name: str
    shared: bool
    query: str
    count: int


def clean_params(params: dict[str, Any]) -> dict[str, str]:
    out = {k: str(params[k]).strip()[:200] for k in FIELDS if params.get(k) not in (None, "")}
    return {k: v for k, v in out.items() if v}


def filter_of(params: dict[str, str], me: AgentIdentity) -> InboxFilter:
    """The filter a view stands for, for the agent looking ("me" is whoever looks)."""
    raw = params.get("assignee")
    assignee: Any = None
    if raw == "me":
        assignee = me.id
    elif raw == "none":
        assignee = "none"
    elif raw and raw.isdigit():
        assignee = int(raw)
    status = params.get("status") or "active"
    return InboxFilter(
        None if status == "all" else status,
        params.get("network"),
        params.get("sentiment"),
        params.get("language"),
        assignee,
        search=params.get("q"),
    )


def save_view(
    session: Session, me: AgentIdentity, name: str, params: dict[str, Any], shared: bool, now: datetime
) -> SavedView:
    label = " ".join(name.split())
    if not label or len(label) > 64:
        raise BadInput("a view needs a name of 1 to 64 characters")
    if shared and not me.can("editor"):
        raise Forbidden("only editors and admins share views with the team")
    view = SavedView(
        name=label, owner_id=None if shared else me.id, params=clean_params(params), position=0, created_at=now
    )
    session.add(view)
    session.flush()
    record(session, Actor(me.id, me.email), "view.changed", "view", view.id, {"shared": shared}, at=now)
    return view


def delete_view(session: Session, view_id: int, me: AgentIdentity, now: datetime) -> None:
    view = session.get(SavedView, view_id)
    if view is None or (view.owner_id is not None and view.owner_id != me.id):
        raise NotFound(f"no view {view_id}")
    if view.owner_id is None and not me.can("editor"):
        raise Forbidden("only editors and admins delete the team's views")
    session.delete(view)
    record(session, Actor(me.id, me.email), "view.changed", "view", view_id, {"deleted": True}, at=now)


def views_with_counts(session: Session, me: AgentIdentity, now: datetime) -> list[ViewCount]:
    rows = session.scalars(
        select(SavedView)
        .where(or_(SavedView.owner_id.is_(None), SavedView.owner_id == me.id))
        .order_by(SavedView.owner_id.is_not(None), SavedView.name)
    )
    return [
        ViewCount(
            v.id,
            v.name,
            v.owner_id is None,
            urlencode(v.params),
            count_conversations(session, filter_of(v.params, me), now),
        )
        for v in rows
    ]
