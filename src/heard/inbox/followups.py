"""Personal follow-ups when a fix is published, sent through the one reply path.

Publishing an article that answers an incident plans one follow-up per person who complained in it
(`heard.knowledge.followups`); each is claimed once per (article, contact), then queued by `queue_reply` like any
agent's reply: reviewed by the coach in its conversation, with the article it links to and the follow-ups already
queued for the same article (so a copy sent to everyone is called one), and held for a lead where the inbox
requires approval below a score.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy.orm import Session

from heard.audit.trail import SYSTEM, Actor
from heard.clock import Clock
from heard.inbox.coaching import context_for_conversation
from heard.inbox.outbox import Author, brand_voice, queue_reply
from heard.knowledge.actions import publish_article
from heard.knowledge.followups import claim_followup, plan_followups, sent_followups
from heard.knowledge.models import Article, ArticleFollowUp


@dataclass
class Published:
    """What publishing did: the article, and the follow-ups it queued (none on a second publish)."""

    article: Article
    followups: list[ArticleFollowUp] = field(default_factory=list)


def publish_with_followups(
    session: Session, clock: Clock, slug: str, url: str, signature: str = "", by: Actor = SYSTEM
) -> Published:
    """Publish the article; if it answers an incident, queue one follow-up per complainant (never twice)."""
    article = publish_article(session, clock, slug, by)
    return Published(article, send_followups(session, clock, article, url, signature))


def send_followups(
    session: Session,
    clock: Clock,
    article: Article,
    url: str,
    signature: str = "",
    chosen: dict[int, str] | None = None,
) -> list[ArticleFollowUp]:
    """Queue the article's follow-ups not sent yet; returns the new ones (held ones included). `chosen` (contact
    id -> text) is what an editor confirmed on the preview: only those people, with the texts as edited."""
    queued = []
    plans = plan_followups(session, article, url, signature)
    if chosen is not None:
        plans = [replace(p, text=chosen[p.contact_id]) for p in plans if chosen.get(p.contact_id, "").strip()]
    # Answered by the brand in none of their own conversations, a person hears from the account that answered
    # the others in the incident.
    account = brand_voice(session, [p.conversation_id for p in plans])
    for plan in plans:
        followup = claim_followup(session, clock, article, plan)
        if followup is None:
            continue
        base = context_for_conversation(session, plan.conversation_id)
        context = replace(
            base,
            article_url=url,
            article_title=article.title,
            is_complaint=True,
            previous_replies=(*base.previous_replies, *sent_followups(session, article.id)),
        )
        author = Author(account=account)
        result = queue_reply(session, plan.conversation_id, plan.text, clock=clock, author=author, context=context)
        followup.message_id = result.message.id
        followup.review_score = result.review.score
        queued.append(followup)
    session.flush()
    return queued
