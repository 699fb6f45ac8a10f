"""Where each follow-up meets the reply coach before it waits in the outbox.

The coach sees what it would see for any reply: the customer's post, their handle, the network, the article it
links to, and the follow-ups already queued for the same article (so a copy sent to everyone is called one). The
review is recorded against the message; when the conversation's inbox requires approval below a score, the
review says so (`needs_approval`) and the outbox must not send it before a lead approves
(`heard.inbox.approvals.check_can_send`).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.channels.models import Inbox
from heard.clock import Clock
from heard.coach.review import ReviewContext
from heard.coach.reviewer import review
from heard.conversations.models import Conversation, Message
from heard.inbox.approvals import attach_message, record_review
from heard.knowledge.models import Article, ArticleFollowUp

#: The coach compares a draft with at most this many earlier follow-ups (the newest).
PREVIOUS = 20


def review_followup(session: Session, clock: Clock, message: Message, article: Article, url: str) -> int | None:
    """Review a queued follow-up with the coach, record the review on the message, return its score."""
    conversation = session.get(Conversation, message.conversation_id)
    if conversation is None:
        return None
    context = ReviewContext(
        post=conversation.first_customer_text,
        customer_handle=conversation.customer_handle,
        network=conversation.network,
        public=True,
        previous_replies=_previous(session, article.id, message.id),
        article_url=url,
        article_title=article.title,
        is_complaint=True,
    )
    verdict = review(message.text, context)
    approval_below = None
    if conversation.inbox_id is not None:
        inbox = session.get(Inbox, conversation.inbox_id)
        approval_below = inbox.coach_approval_below if inbox is not None else None
    row = record_review(
        session, message.text, verdict, clock=clock, conversation_id=conversation.id, approval_below=approval_below
    )
    attach_message(session, row.id, message.id)
    return verdict.score


def _previous(session: Session, article_id: int, message_id: int) -> tuple[str, ...]:
    rows = session.scalars(
        select(Message.text)
        .join(ArticleFollowUp, ArticleFollowUp.message_id == Message.id)
        .where(ArticleFollowUp.article_id == article_id, Message.id != message_id)
        .order_by(Message.id.desc())
        .limit(PREVIOUS)
    )
    return tuple(rows)
