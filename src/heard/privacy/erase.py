"""Erase a person: their words, handles and names leave every table, the search index and the event log; the
rows reports count stay, redacted (decision 1201).

What is done, in the caller's transaction:
- the posts they wrote: text, handle, author id and name, hashtags, mentions, links and permalink go; the
  judgements (complaint, sentiment, topic, urgency) and times stay, so counts and outcome reports hold;
- the conversations they opened and every message in them (their posts, the brand's replies that name them,
  notes about them): the words go; a reply not yet sent is withdrawn and never leaves;
- the coach's reviews of replies to them (the drafts and findings);
- their identities are deleted and their contact keeps only its id (future posts make a new contact);
- other people's posts and messages that name them: the handle or name is replaced where it occurs;
- dead letters that hold their words are deleted; webhook payloads, alert evidence, incident titles and the
  hashtag radar's examples that quote them are redacted.
The message search index follows the messages (an UPDATE trigger on SQLite, an expression index on
PostgreSQL). The event log is outside the transaction: the caller hands `Erasure.needles` to the log's
`erase_matching` after commit (`heard privacy erase` and the admin page do).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import ColumnElement, delete, func, or_, select, text, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from heard.alerts.models import Alert, HashtagProposal
from heard.audit.trail import Actor, record
from heard.conversations.models import Contact, ContactIdentity, ContactMerge, Conversation, Message, PostRecord
from heard.db.unit import emit
from heard.events import ConversationUpdated
from heard.hooks.models import WebhookDelivery
from heard.inbox.models import ReplyReview
from heard.incidents.models import Incident
from heard.ingest.models import DeadLetter
from heard.privacy.person import Person, authored

ERASED = "[erased]"
#: The delivery state of a reply that was still waiting to leave when its addressee was erased: never sent.
WITHDRAWN = "withdrawn"
#: A quoted text is recognised by its opening this long (examples and evidence keep a cut version).
_QUOTE_CHARS = 60
_MIN_QUOTE_CHARS = 16
_NOT_SENT = ("pending", "held")


@runtime_checkable
class LogEraser(Protocol):
    """The event log's part: replace every record whose payload holds one of the needles (SqlLog, MemoryLog)."""

    def erase_matching(self, needles: Sequence[str]) -> int: ...


@dataclass
class Erasure:
    """What was erased, by kind (counts only: this is what the audit trail keeps). `needles` are the strings
    searched for: for the event log, after commit; never stored."""

    contact_ids: tuple[int, ...]
    counts: dict[str, int] = field(default_factory=dict)
    needles: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"contact_ids": list(self.contact_ids), "counts": dict(self.counts)}


def erase_person(session: Session, person: Person, *, actor: Actor, now: datetime) -> Erasure:
    ids = person.contact_ids
    who = person.needles()
    posts = session.execute(select(PostRecord.id, PostRecord.text).where(authored(person))).all()
    post_ids = [p.id for p in posts]
    conversation_ids = list(session.scalars(select(Conversation.id).where(Conversation.contact_id.in_(ids))))
    quotes = _quotes([p.text for p in posts] + _first_texts(session, conversation_ids))
    erasure = Erasure(ids, needles=tuple(who + quotes))
    counts = erasure.counts
    incident_ids = set(session.scalars(select(PostRecord.incident_id).where(PostRecord.id.in_(post_ids))))
    counts["posts"] = _erase_posts(session, post_ids)
    counts["incident_phrases"] = _drop_their_phrases(session, {i for i in incident_ids if i is not None})
    counts["conversations"] = _erase_conversations(session, conversation_ids)
    counts["messages"], counts["withdrawn"] = _erase_messages(session, conversation_ids, post_ids)
    counts["reviews"] = _count(
        session.execute(
            update(ReplyReview)
            .where(ReplyReview.conversation_id.in_(conversation_ids))
            .values(draft=ERASED, findings=[])
        )
    )
    counts["identities"] = _count(session.execute(delete(ContactIdentity).where(ContactIdentity.contact_id.in_(ids))))
    counts["contacts"] = _count(session.execute(update(Contact).where(Contact.id.in_(ids)).values(display_name=ERASED)))
    # a merge keeps the merged contact's old name for its undo
    merged = or_(ContactMerge.into_id.in_(ids), ContactMerge.from_id.in_(ids))
    session.execute(update(ContactMerge).where(merged).values(from_name=ERASED))
    pattern = _pattern(who)
    counts["mentions"] = _redact_mentions(session, who, pattern) if pattern else 0
    counts["elsewhere"] = _redact_elsewhere(session, who + quotes)
    _compact_search_index(session)
    emit(session, *(ConversationUpdated(c) for c in conversation_ids))
    record(session, actor, "privacy.erased", "contact", ",".join(map(str, ids)), erasure.to_json(), at=now)
    return erasure


def _compact_search_index(session: Session) -> None:
    """SQLite's FTS5 keeps a deleted entry's words in its older segments until they merge; merging them now
    means the index holds nothing of the erased messages (PostgreSQL's expression index follows the rows)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("INSERT INTO messages_fts(messages_fts) VALUES ('optimize')"))


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _first_texts(session: Session, conversation_ids: list[int]) -> list[str]:
    return list(session.scalars(select(Conversation.first_customer_text).where(Conversation.id.in_(conversation_ids))))


def _quotes(texts: list[str]) -> list[str]:
    """Their words as needles: each text whole and its opening (what a cut example keeps)."""
    found: set[str] = set()
    for written in texts:
        words = written.strip()
        if len(words) >= _MIN_QUOTE_CHARS and words != ERASED:
            found.add(words)
            found.add(words[:_QUOTE_CHARS])
    return sorted(found, key=lambda n: (-len(n), n))


def _pattern(needles: list[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE) if needles else None


def _erase_posts(session: Session, post_ids: list[int]) -> int:
    return _count(
        session.execute(
            update(PostRecord)
            .where(PostRecord.id.in_(post_ids))
            .values(
                text=ERASED,
                author_id=ERASED,
                author_handle=ERASED,
                author_name=None,
                hashtags=[],
                mentions=[],
                urls=[],
                permalink=None,
                truncated=False,
            )
        )
    )


def _drop_their_phrases(session: Session, incident_ids: set[int]) -> int:
    """An incident's key phrases come from its posts' words: a phrase no remaining post uses was theirs alone,
    and goes (with the title, when it names one)."""
    dropped = 0
    for incident in session.scalars(select(Incident).where(Incident.id.in_(incident_ids))):
        others = " ".join(
            t.lower() for t in session.scalars(select(PostRecord.text).where(PostRecord.incident_id == incident.id))
        )
        gone = [p for p in incident.key_phrases or [] if p.lower() not in others]
        if gone:
            incident.key_phrases = [p for p in incident.key_phrases if p not in gone]
            if any(p.lower() in incident.title.lower() for p in gone):
                incident.title = f"Incident {incident.id}"
            if any(p.lower() in (incident.summary or "").lower() for p in gone):
                # The summary is written from the key phrases (heard.incidents.titles): said again without theirs.
                kept = incident.key_phrases[:4]
                incident.summary = f"About {', '.join(kept)}" if kept else "Similar complaints"
            dropped += len(gone)
    session.flush()
    return dropped


def _erase_conversations(session: Session, conversation_ids: list[int]) -> int:
    return _count(
        session.execute(
            update(Conversation)
            .where(Conversation.id.in_(conversation_ids))
            .values(first_customer_text=ERASED, customer_handle=ERASED)
        )
    )


def _erase_messages(session: Session, conversation_ids: list[int], post_ids: list[int]) -> tuple[int, int]:
    theirs = or_(Message.conversation_id.in_(conversation_ids), Message.post_id.in_(post_ids))
    withdrawn = _count(
        session.execute(
            update(Message)
            .where(theirs, Message.direction == "outgoing", Message.delivery_state.in_(_NOT_SENT))
            .values(
                delivery_state=WITHDRAWN, next_attempt_at=None, delivery_error="withdrawn: the addressee was erased"
            )
        )
    )
    session.execute(
        update(Message)
        .where(Message.post_id.in_(post_ids), Message.direction == "incoming")
        .values(author_handle=ERASED)
    )
    erased = _count(session.execute(update(Message).where(theirs).values(text=ERASED)))
    return erased, withdrawn


def _contains_any(column: InstrumentedAttribute[Any], needles: list[str]) -> ColumnElement[bool]:
    lowered = func.lower(column)
    return or_(*(lowered.contains(n.lower(), autoescape=True) for n in needles))


def _redact_mentions(session: Session, who: list[str], pattern: re.Pattern[str]) -> int:
    """Other people's words that name them: the name or handle is replaced where it stands."""
    changed = 0
    for column in (PostRecord.text, Message.text, Conversation.first_customer_text, ReplyReview.draft):
        model = column.class_
        rows = session.execute(select(model.id, column).where(_contains_any(column, who))).all()
        for row_id, value in rows:
            values: dict[str, Any] = {column.key: pattern.sub(ERASED, value)}
            if model is PostRecord:
                values["mentions"] = []  # the handles they mentioned; theirs among them
            session.execute(update(model).where(model.id == row_id).values(**values))
            changed += 1
    return changed


def _redact_elsewhere(session: Session, needles: list[str]) -> int:
    """Places that quote posts for their own reasons: dead letters (deleted: the row is the raw input), webhook
    payloads, alert evidence, incident titles and summaries, the hashtag radar's examples."""
    if not needles:
        return 0
    lowered = [n.lower() for n in needles]

    def hit(value: Any) -> bool:
        if isinstance(value, str):
            low = value.lower()
            return any(n in low for n in lowered)
        if isinstance(value, dict):
            return any(hit(v) for v in value.values())
        if isinstance(value, list):
            return any(hit(v) for v in value)
        return False

    def scrub(value: Any) -> Any:
        if isinstance(value, str):
            return ERASED if hit(value) else value
        if isinstance(value, dict):
            return {k: scrub(v) for k, v in value.items()}
        if isinstance(value, list):
            return [scrub(v) for v in value]
        return value

    changed = 0
    letters = [i for i, raw in session.execute(select(DeadLetter.id, DeadLetter.raw)) if hit(raw)]
    changed += _count(session.execute(delete(DeadLetter).where(DeadLetter.id.in_(letters))))
    for model, columns in (
        (WebhookDelivery, ("payload",)),
        (Alert, ("evidence",)),
        (Incident, ("title", "summary", "key_phrases")),
        (HashtagProposal, ("examples",)),
    ):
        attrs = [getattr(model, c) for c in columns]
        for row in session.execute(select(model.id, *attrs)):
            found = {c: scrub(v) for c, v in zip(columns, row[1:], strict=True) if hit(v)}
            if found:
                session.execute(update(model).where(model.id == row[0]).values(**found))
                changed += 1
    return changed
