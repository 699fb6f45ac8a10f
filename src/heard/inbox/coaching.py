"""What the coach needs to know about a conversation, read from the store: the post being answered, the customer,
the incident's other replies (for near-copies), and its published fix."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from heard.coach.review import ReviewContext
from heard.conversations.models import Contact, Conversation, Message, PostRecord
from heard.errors import NotFound
from heard.incidents.models import Incident
from heard.knowledge.models import Article
from heard.posts import COMPLAINT_AT

#: Replies of the same incident compared for near-copies; the most recent ones matter most in a pile-on.
MAX_PREVIOUS = 200
#: Messages of the conversation the coach reads as its thread.
MAX_THREAD = 30
#: This many different people in one conversation (or incident) is a pile-on.
PILE_ON_PEOPLE = 3


def context_for_conversation(
    session: Session, conversation_id: int, *, agent_name: str = "", kb_base_url: str = "/kb"
) -> ReviewContext:
    """The ReviewContext for a reply in this conversation; `kb_base_url` prefixes article slugs in links."""
    conv = session.get(Conversation, conversation_id)
    if conv is None:
        raise NotFound(f"no conversation {conversation_id}")
    post = _last_customer_post(session, conversation_id)
    incident = session.get(Incident, conv.incident_id) if conv.incident_id else None
    article = _published_article(session, conv.incident_id)
    contact = session.get(Contact, conv.contact_id) if conv.contact_id else None
    thread = _thread(session, conversation_id)
    # The reply answers the latest customer post's author: in a pile-on that is not the person who opened it.
    same_person = post is None or post.contact_id is None or post.contact_id == conv.contact_id
    return ReviewContext(
        post=post.text if post else conv.first_customer_text,
        customer_handle=post.author_handle if post and not same_person else conv.customer_handle,
        customer_name=(post.author_name if post and post.author_name else None)
        or (contact.display_name if contact and same_person else ""),
        network=conv.network,
        public=post.is_public if post else True,
        agent_name=agent_name,
        previous_replies=_incident_replies(session, conv),
        article_url=f"{kb_base_url.rstrip('/')}/{article.slug}" if article else None,
        article_title=article.title if article else "",
        incident_title=incident.title if incident else "",
        is_complaint=None if post is None or post.complaint is None else post.complaint >= COMPLAINT_AT,
        is_question=True if post is not None and "question" in (post.intents or []) else None,
        topic=(post.topic or "") if post else "",
        thread=thread,
        mood=post.sentiment_score if post is not None else None,
        pile_on=_customers(session, conversation_id) >= PILE_ON_PEOPLE
        or (incident is not None and incident.author_count >= PILE_ON_PEOPLE),
        incident_status=incident.status if incident else "",
    )


def _thread(session: Session, conversation_id: int) -> tuple[tuple[str, str], ...]:
    """The conversation's last MAX_THREAD messages, oldest first, as ("customer" | "brand", text)."""
    query = (
        select(Message.direction, Message.text)
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(MAX_THREAD)
    )
    rows = list(session.execute(query))
    return tuple(("customer" if d == "incoming" else "brand", t or "") for d, t in reversed(rows))


def _customers(session: Session, conversation_id: int) -> int:
    """How many different people wrote in this conversation."""
    query = select(func.count(func.distinct(Message.author_handle))).where(
        Message.conversation_id == conversation_id, Message.direction == "incoming"
    )
    return int(session.scalar(query) or 0)


def _last_customer_post(session: Session, conversation_id: int) -> PostRecord | None:
    query = (
        select(PostRecord)
        .join(Message, Message.post_id == PostRecord.id)
        .where(Message.conversation_id == conversation_id, Message.direction == "incoming")
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def _incident_replies(session: Session, conv: Conversation) -> tuple[str, ...]:
    if conv.incident_id is None:
        return ()
    query = (
        select(Message.text)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(
            Conversation.incident_id == conv.incident_id,
            Message.direction == "outgoing",
            Message.conversation_id != conv.id,
        )
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(MAX_PREVIOUS)
    )
    return tuple(reversed(session.scalars(query).all()))


def _published_article(session: Session, incident_id: int | None) -> Article | None:
    if incident_id is None:
        return None
    query = (
        select(Article)
        .where(Article.incident_id == incident_id, Article.status == "published")
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()
