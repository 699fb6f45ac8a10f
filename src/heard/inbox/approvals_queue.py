"""The approvals queue: replies held because their draft scored below the inbox's threshold, with the coach's
review, for a lead to approve (it goes out) or reject (it never does; the agent sees why in the conversation)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.accounts.agents import AgentIdentity
from heard.accounts.models import Agent
from heard.audit.trail import Actor, record
from heard.clock import Clock
from heard.conversations.models import Conversation, Message
from heard.db.unit import emit
from heard.errors import NotFound
from heard.events import ConversationUpdated
from heard.inbox.approvals import HELD, LEAD_ROLES, NotALead
from heard.inbox.models import ReplyReview

MAX_SHOWN = 100


@dataclass(frozen=True, slots=True)
class HeldReply:
    review_id: int
    message_id: int
    conversation_id: int
    customer_handle: str
    network: str
    text: str
    score: int
    findings: list[dict[str, Any]]
    agent_name: str | None


def held_replies(session: Session) -> list[HeldReply]:
    """Every reply waiting for a lead, oldest first."""
    rows = session.execute(
        select(ReplyReview, Message, Conversation, Agent.name)
        .join(Message, Message.id == ReplyReview.message_id)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .outerjoin(Agent, Agent.id == Message.agent_id)
        .where(Message.delivery_state == HELD, ReplyReview.approved_by_id.is_(None))
        .order_by(Message.id)
        .limit(MAX_SHOWN)
    ).all()
    return [
        HeldReply(r.id, m.id, c.id, c.customer_handle, c.network, m.text, r.score, list(r.findings or []), name)
        for r, m, c, name in rows
    ]


def reject_reply(session: Session, message_id: int, lead: AgentIdentity, *, clock: Clock) -> None:
    """A lead turns a held reply down: it is marked failed with the reason, and never sent."""
    if lead.role not in LEAD_ROLES:
        raise NotALead(f"only a lead can reject a draft; this agent is '{lead.role}'")
    message = session.get(Message, message_id)
    if message is None or message.delivery_state != HELD:
        raise NotFound(f"no reply {message_id} waiting for a lead")
    message.delivery_state = "failed"
    message.delivery_error = f"rejected by {lead.name}: rewrite it in the conversation"
    session.flush()
    detail = {"message_id": message.id}
    record(
        session,
        Actor(lead.id, lead.name),
        "reply.rejected",
        "conversation",
        message.conversation_id,
        detail,
        at=clock.now(),
    )
    emit(session, ConversationUpdated(message.conversation_id))
