"""Double replies: a second public reply to a conversation that another agent answered a few minutes ago waits
for the agent to confirm it, and the refusal says who answered and what.

Presence warns while two agents look at the same conversation; this is the check that holds when the warning was
missed (a closed tab, a colleague on another web process, a reply typed before the colleague arrived). It looks
at what is queued, not only what is sent: a reply still in the outbox answers the customer as surely.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.accounts.models import Agent
from heard.clock import as_utc
from heard.conversations.models import Message
from heard.errors import Conflict
from heard.inbox.reasons import waited

#: A colleague's public reply this recent makes a second one need confirming.
RECENT_ANSWER = timedelta(minutes=10)
#: How much of the colleague's reply the refusal quotes.
QUOTED_CHARS = 140


@dataclass(frozen=True, slots=True)
class RecentAnswer:
    agent_name: str
    text: str
    at: datetime


class AnsweredByColleague(Conflict):
    """Another agent answered this conversation in public a moment ago; the message says who and what."""

    def __init__(self, answer: RecentAnswer, now: datetime) -> None:
        quoted = answer.text if len(answer.text) <= QUOTED_CHARS else answer.text[: QUOTED_CHARS - 1] + "…"
        ago = waited(max(0.0, (now - as_utc(answer.at)).total_seconds()))
        super().__init__(
            f"{answer.agent_name} answered this {ago} ago: “{quoted}”. Send yours as well only if it adds something."
        )
        self.answer = answer


def recent_answer(session: Session, conversation_id: int, agent_id: int, now: datetime) -> RecentAnswer | None:
    """The latest public reply by another agent in the last `RECENT_ANSWER`, queued or sent (not failed)."""
    row = session.execute(
        select(Agent.name, Message.text, Message.created_at)
        .join(Agent, Agent.id == Message.agent_id)
        .where(
            Message.conversation_id == conversation_id,
            Message.direction == "outgoing",
            Message.is_private.is_(False),
            Message.agent_id != agent_id,
            Message.created_at >= now - RECENT_ANSWER,
            Message.delivery_state != "failed",
        )
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(1)
    ).first()
    return RecentAnswer(row[0], row[1], row[2]) if row is not None else None


def check_no_double_reply(session: Session, conversation_id: int, agent_id: int, now: datetime) -> None:
    """Refuse (409) a public reply when a colleague answered in the last minutes; the agent may confirm."""
    answer = recent_answer(session, conversation_id, agent_id, now)
    if answer is not None:
        raise AnsweredByColleague(answer, now)
