"""Personal follow-ups when a fix is published: "Hi @ana, the fix for the login loop is out: LINK. Thank you for
reporting it." One per person who complained in the article's incident. This module plans them and claims each
(article, contact) once: the database holds the pair unique, so a second publish, or two processes publishing at
once, add none. Sending goes through the one reply path (`heard.inbox.followups`), which reviews each with the
coach and holds it for a lead where the inbox requires approval.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from heard.bidi import neutralised
from heard.clock import Clock
from heard.conversations.models import Conversation, Message, PostRecord
from heard.knowledge.markdown import sections
from heard.knowledge.models import Article, ArticleFollowUp

MAX_POST_CHARS = 280
LINK_CHARS = 23
MAX_CAUSE_CHARS = 140
#: A follow-up must fit one post on the strictest network (X: 280, links count as 23).
MAX_PROBLEM_CHARS = 120


@dataclass(frozen=True)
class Complainant:
    """A person who complained in the incident, and where to answer them (their latest conversation in it)."""

    contact_id: int
    handle: str
    conversation_id: int


def followup_text(handle: str, article: Article, url: str, signature: str = "") -> str:
    """ "Hi @ana, sorry about the login loop. <the cause, when the article says it> The fix is out: LINK Thank you
    for reporting it. ^SIG", fitted to one post on X (a link counts as 23 characters there). The promise follows
    the article's issue status (`status_line`) and the problem its current title or problem line."""
    problem = (article.problem or _lower_first(article.title)).strip()
    if len(problem) > MAX_PROBLEM_CHARS:
        problem = problem[: MAX_PROBLEM_CHARS - 1].rsplit(" ", 1)[0] + "…"
    handle = neutralised(handle).strip()  # a bidi override in a handle would reverse the rest (heard.bidi)
    name = f"@{handle.lstrip('@')}" if handle else "there"
    sign = f" ^{signature.strip()}" if signature.strip() else ""
    tail = f"{status_line(article, url)} Thank you for reporting it.{sign}"
    for cause in (stated_cause(article), ""):
        text = " ".join(part for part in (f"Hi {name}, sorry about {problem}.", cause, tail) if part)
        if len(text) - len(url) + LINK_CHARS <= MAX_POST_CHARS:
            return text
    return text


def status_line(article: Article, url: str) -> str:
    """What the follow-up promises, as true as the article is: "the fix is out" only once it is fixed."""
    if article.issue_status == "fixed":
        return f"The fix is out: {url}"
    if article.issue_status == "identified":
        return f"We know the cause and are working on the fix; what to do meanwhile: {url}"
    return f"We're on it, and we keep what we know here: {url}"


def stated_cause(article: Article) -> str:
    """The first sentence of the article's Cause section, unless it is still the draft's placeholder."""
    cause = next((s for s in sections(article.body_md) if s.kind == "cause"), None)
    if cause is None:
        return ""
    words = _html_words(cause.html)
    if not words or words.lower().startswith("not confirmed"):
        return ""
    first = re.split(r"(?<=[.!?])\s", words, maxsplit=1)[0]
    return first if len(first) <= MAX_CAUSE_CHARS else ""


def _html_words(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def complainants(session: Session, incident_id: int) -> list[Complainant]:
    """Everyone whose customer posts are in the incident, each with their most recent conversation in it."""
    rows = session.execute(
        select(PostRecord.contact_id, PostRecord.author_handle, PostRecord.conversation_id)
        .where(PostRecord.incident_id == incident_id, PostRecord.is_brand.is_(False))
        .where(PostRecord.contact_id.is_not(None), PostRecord.conversation_id.is_not(None))
        .order_by(PostRecord.created_at, PostRecord.id)
    )
    latest: dict[int, Complainant] = {}
    for contact_id, handle, conversation_id in rows:
        if contact_id is not None and conversation_id is not None:
            latest[contact_id] = Complainant(contact_id, handle, conversation_id)
    for conversation in session.scalars(select(Conversation).where(Conversation.incident_id == incident_id)):
        if conversation.contact_id is not None and conversation.contact_id not in latest:
            latest[conversation.contact_id] = Complainant(
                conversation.contact_id, conversation.customer_handle, conversation.id
            )
    return sorted(latest.values(), key=lambda c: c.contact_id)


@dataclass(frozen=True)
class PlannedFollowUp:
    """One follow-up as it would go out: to whom, in which conversation, saying what."""

    contact_id: int
    handle: str
    conversation_id: int
    text: str


def plan_followups(session: Session, article: Article, url: str, signature: str = "") -> list[PlannedFollowUp]:
    """The follow-ups publishing `article` calls for: one per complainant in its incident not yet followed up
    for it. Nothing is written; `heard.inbox.followups` sends them through the outbox."""
    if article.incident_id is None:
        return []
    done = set(session.scalars(select(ArticleFollowUp.contact_id).where(ArticleFollowUp.article_id == article.id)))
    return [
        PlannedFollowUp(p.contact_id, p.handle, p.conversation_id, followup_text(p.handle, article, url, signature))
        for p in complainants(session, article.incident_id)
        if p.contact_id not in done
    ]


def claim_followup(session: Session, clock: Clock, article: Article, plan: PlannedFollowUp) -> ArticleFollowUp | None:
    """Insert the (article, contact) row first, in a savepoint: if another process got there, skip the person."""
    followup = ArticleFollowUp(
        article_id=article.id,
        contact_id=plan.contact_id,
        conversation_id=plan.conversation_id,
        created_at=clock.now(),
    )
    try:
        with session.begin_nested():
            session.add(followup)
            session.flush()
    except IntegrityError:
        return None
    return followup


def sent_followups(session: Session, article_id: int, limit: int = 20) -> tuple[str, ...]:
    """The texts of the newest follow-ups already queued for the article (the coach compares a new one to them)."""
    rows = session.scalars(
        select(Message.text)
        .join(ArticleFollowUp, ArticleFollowUp.message_id == Message.id)
        .where(ArticleFollowUp.article_id == article_id)
        .order_by(Message.id.desc())
        .limit(limit)
    )
    return tuple(rows)


def _lower_first(title: str) -> str:
    if len(title) > 1 and title[0].isupper() and not title[1].isupper():
        return title[0].lower() + title[1:]
    return title
