"""Drafting a tips-and-tricks article from an incident: the symptom and the product from the customers' posts,
the steps from what the agents answered. The draft is a starting point for an agent to edit and publish; it is
never published by itself."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from heard.clock import Clock
from heard.conversations.models import Conversation, Message, PostRecord
from heard.errors import NotFound
from heard.incidents.models import Incident
from heard.knowledge.actions import create_article
from heard.knowledge.models import Article

MAX_POSTS = 500
QUOTES = 3
STEPS = 5
_LEADING_HANDLES = re.compile(r"^(?:\s*[@.]?@\w+[:,]?)+\s*")
_SIGNATURE = re.compile(r"\s*(?:\^\w{1,4}|/\w{1,4}|-\w{1,4})\s*$")
_HANDLE_OR_SHORT_LINK = re.compile(r"(?:(?<!\w)[@.]?@\w+|https?://t\.co/\w+)[:,]?")
#: A sentence that moves the customer to a private channel or asks them something is not a public step.
_NOT_A_STEP = re.compile(r"\b(DM|direct message|private|let us know|send us|reach out|contact us|we'll)\b", re.I)
_ASK_BACK = re.compile(r"(?:,|\band)\s+(?:then\s+)?(?:let us know|keep us posted|tell us)\b.*$", re.I)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!<>|~])")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
#: Words that make a reply sentence an instruction a customer can follow.
STEP_CUES = re.compile(
    r"\b(go to|head to|settings|update|updat|restart|reboot|reinstall|install|tap|open|turn (?:on|off)|clear|"
    r"delete|back ?up|log ?out|sign (?:in|out)|make sure|check|try|visit|reset|select|enable|disable)",
    re.IGNORECASE,
)
STATUS_OF_INCIDENT = {"investigating": "investigating", "identified": "identified", "resolved": "fixed"}


class IncidentNotFound(NotFound):
    """No incident has that id."""


def draft_from_incident(session: Session, clock: Clock, incident_id: int, author_id: int | None = None) -> Article:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise IncidentNotFound(f"no incident {incident_id}")
    posts = list(
        session.scalars(
            select(PostRecord)
            .where(PostRecord.incident_id == incident_id, PostRecord.is_brand.is_(False))
            .order_by(PostRecord.created_at, PostRecord.id)
            .limit(MAX_POSTS)
        )
    )
    replies = _agent_replies(session, incident_id, {p.conversation_id for p in posts if p.conversation_id})
    product = _product(posts)
    steps = instruction_steps(replies)
    body = "\n\n".join(
        [
            "## Symptom\n\n" + _symptom(incident, posts),
            "## Cause\n\n_Not confirmed yet: say what the team found, or remove this section._",
            "## Steps to fix\n\n" + ("\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1)) or "1. _Write the fix._"),
            "## Workaround\n\n_Until the fix is out: what people can do meanwhile._",
            "## Status\n\n" + _status_line(incident),
        ]
    )
    return create_article(
        session,
        clock,
        incident.title or f"Incident {incident.id}",
        body_md=body,
        summary=_summary(incident, posts),
        category=product,
        product=product,
        problem=_lower_first(incident.title),
        issue_status=STATUS_OF_INCIDENT.get(incident.status, "investigating"),
        incident_id=incident.id,
        author_id=author_id,
    )


def _agent_replies(session: Session, incident_id: int, conversation_ids: set[int]) -> list[str]:
    in_incident = select(Conversation.id).where(Conversation.incident_id == incident_id)
    query = (
        select(Message.text)
        .where(Message.direction == "outgoing")
        .where(or_(Message.conversation_id.in_(conversation_ids), Message.conversation_id.in_(in_incident)))
        .order_by(Message.created_at, Message.id)
        .limit(MAX_POSTS)
    )
    return list(session.scalars(query))


def instruction_steps(replies: Sequence[str], limit: int = STEPS) -> list[str]:
    """The instructions agents gave most often, cleaned of handles and signatures, most common first."""
    counts: Counter[str] = Counter()
    first_seen: dict[str, str] = {}
    for reply in replies:
        for sentence in _SENTENCE.split(clean_post(reply)):
            sentence = sentence.strip()
            sentence = _tidy(_ASK_BACK.sub(".", _HANDLE_OR_SHORT_LINK.sub("", sentence)))
            if len(sentence) < 12 or sentence.endswith("?") or _NOT_A_STEP.search(sentence):
                continue
            if not STEP_CUES.search(sentence):
                continue
            key = re.sub(r"\W+", " ", sentence.lower()).strip()
            counts[key] += 1
            first_seen.setdefault(key, sentence)
    ranked = sorted(counts, key=lambda k: (-counts[k], list(first_seen).index(k)))
    return [md_escape(first_seen[k]) for k in ranked[:limit]]


def clean_post(text: str) -> str:
    """A post without the handles it starts with and the agent's signature it ends with."""
    text = _LEADING_HANDLES.sub("", text or "")
    return _SIGNATURE.sub("", text).strip()


def _tidy(text: str) -> str:
    text = " ".join(text.split())
    return re.sub(r"\s+([.,:;!])", r"\1", text).rstrip(" :,")


def md_escape(text: str) -> str:
    """Text from a post, shown literally by Markdown (a customer's [link](...) stays text)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _symptom(incident: Incident, posts: Sequence[PostRecord]) -> str:
    people = len({p.author_id for p in posts})
    lines = []
    if posts:
        first, last = posts[0].created_at, posts[-1].created_at
        lines.append(
            f"{people} {'person' if people == 1 else 'people'} reported this between "
            f"{first:%d %b %Y %H:%M} and {last:%d %b %Y %H:%M} UTC. In their words:"
        )
    seen: set[str] = set()
    for post in sorted(posts, key=lambda p: -(p.complaint or 0)):
        words = _tidy(_HANDLE_OR_SHORT_LINK.sub("", clean_post(post.text)))
        key = words.lower()[:60]
        if len(words) < 15 or key in seen:
            continue
        seen.add(key)
        lines.append("> " + md_escape(words))
        if len(seen) == QUOTES:
            break
    if incident.summary:
        lines.insert(0, md_escape(incident.summary))
    return "\n\n".join(lines) or "_Describe what people see._"


def _product(posts: Sequence[PostRecord]) -> str | None:
    """The account most of the complaints were addressed to (the brand whose product it is)."""
    mentioned: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for post in posts:
        for handle in dict.fromkeys(h.lstrip("@") for h in post.mentions or []):
            if handle and not handle.isdigit():  # twcs hides customers' handles as numbers
                mentioned[handle.lower()] += 1
                spelling.setdefault(handle.lower(), handle)
    if not mentioned:
        return None
    handle, _ = mentioned.most_common(1)[0]
    return spelling[handle]


def _summary(incident: Incident, posts: Sequence[PostRecord]) -> str:
    if incident.summary:
        return incident.summary[:300]
    return f"What we know about {_lower_first(incident.title)}, and how to fix it." if incident.title else ""


def _status_line(incident: Incident) -> str:
    status = STATUS_OF_INCIDENT.get(incident.status, "investigating")
    return {
        "investigating": "We are investigating. This page is updated as we learn more.",
        "identified": "We know the cause and are working on the fix.",
        "fixed": "Fixed.",
    }[status]


def _lower_first(title: str) -> str:
    if len(title) > 1 and title[0].isupper() and not title[1].isupper():
        return title[0].lower() + title[1:]
    return title
