"""Read side of the inbox: the queue of conversations and one conversation's whole thread.

The queue order is the order an agent should work in: highest priority (a pile-on), then every customer still
waiting for an answer, most urgent first (unjudged last) and then longest waiting; conversations with nothing
left to answer come after, most urgent and then most recently active first. Pages are limit/offset with a hard
cap on both, so no request can ask the database to sort and skip an unbounded number of rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    bindparam,
    case,
    func,
    literal_column,
    or_,
    select,
    text,
    type_coerce,
)
from sqlalchemy.orm import Bundle, Session

from heard.accounts.models import Agent
from heard.alerts.models import Alert
from heard.conversations.models import Conversation, Message, PostBrand, PostRecord
from heard.conversations.search import matching_conversations, search_terms
from heard.db.plain_reads import PlainRow, plain
from heard.inbox.reasons import PILEON_PRIORITY, RowFacts, reason
from heard.inbox.workflow import STATUSES
from heard.incidents.models import Incident

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
#: The deepest row a page may start at. Nobody works a queue 10,000 conversations down; filters do that job.
MAX_OFFSET = 10_000
#: "active" is the working view: open and pending conversations, and snoozed ones whose snooze is over.
VIEWS = ("active", *STATUSES)
#: The most recent messages a conversation page shows.
MAX_THREAD = 500
#: How many of the customer's other conversations, and of their judged posts, the context panel shows.
MAX_EARLIER = 10
MAX_MOOD = 40
SENTIMENTS = ("negative", "neutral", "positive")


@dataclass(frozen=True, slots=True)
class InboxFilter:
    """What the agent asked to see. Empty fields mean "any"."""

    status: str | None = None
    network: str | None = None
    #: A customer post in the conversation was judged this sentiment / written in this language.
    sentiment: str | None = None
    language: str | None = None
    #: An agent id, or "none" for unassigned conversations.
    assignee: int | Literal["none"] | None = None
    #: Words that must all appear (as prefixes) in one message; "@handle" finds a customer instead.
    search: str | None = None
    #: A brand's slug: conversations holding a post that addresses it (`post_brands`).
    brand: str | None = None

    @property
    def any(self) -> bool:
        return any((self.status, self.network, self.sentiment, self.language, self.assignee, self.search, self.brand))


@dataclass(frozen=True, slots=True)
class InboxPage:
    conversations: list[Conversation]
    offset: int
    limit: int
    has_more: bool
    #: Names of the agents the conversations on this page are assigned to.
    assignees: dict[int, str] = field(default_factory=dict)
    #: Why each conversation is where it is, by conversation id (see heard.inbox.reasons).
    reasons: dict[int, str] = field(default_factory=dict)

    @property
    def next_offset(self) -> int | None:
        following = self.offset + self.limit
        return following if self.has_more and following <= MAX_OFFSET else None

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset > 0 else None


#: A thread's messages and their posts, read as plain rows (heard.db.plain_reads) in two bundles: `row.message`,
#: `row.post` (all None where a message has no post).
_MESSAGE_COLUMNS: Bundle[Any] = Bundle("message", *Message.__table__.columns)
_POST_COLUMNS: Bundle[Any] = Bundle("post", *PostRecord.__table__.columns)


@dataclass(frozen=True, slots=True)
class ThreadEntry:
    """One message of a thread, with the post it came from (None for notes and replies not yet posted)."""

    message: PlainRow
    post: PlainRow | None

    @property
    def incoming(self) -> bool:
        return bool(self.message.direction == "incoming")


@dataclass(frozen=True, slots=True)
class ConversationView:
    conversation: Conversation
    entries: list[ThreadEntry] = field(default_factory=list)
    assignee_name: str | None = None
    #: Messages older than the ones shown (a pile-on thread can have more than a page should hold).
    earlier: int = 0


def queue_order() -> list[ColumnElement[Any]]:
    """The working order of the inbox (see the module docstring). Written without NULLS LAST so that SQLite and
    PostgreSQL sort alike: a CASE puts answered conversations and unjudged urgency after the rest."""
    c = Conversation
    # Literals, not bound parameters: the queue index (migration inbox_search) is on these very expressions.
    one: ColumnElement[int] = literal_column("1")
    zero: ColumnElement[int] = literal_column("0")
    return [
        c.priority.desc(),
        # Waiting before urgency: an answered conversation judged urgent has nobody waiting on it, while an
        # unanswered one of any urgency has.
        case((c.waiting_since.is_(None), one), else_=zero).asc(),
        case((c.urgency.is_(None), one), else_=zero).asc(),
        c.urgency.desc(),
        c.waiting_since.asc(),
        c.last_activity_at.desc(),
        c.id.desc(),
    ]


def _customer_post(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return (
        select(PostRecord.id)
        .where(PostRecord.conversation_id == Conversation.id, PostRecord.is_brand.is_(False), *conditions)
        .exists()
    )


def _network(session: Session) -> ColumnElement[str]:
    """`+network` on SQLite, for the same reason as `_status`: the network index (for the network menu) must not
    tempt SQLite away from the queue index."""
    if session.get_bind().dialect.name == "sqlite":
        return type_coerce(literal_column("+conversations.network"), String)
    network: ColumnElement[str] = Conversation.__table__.c.network
    return network


def _status(session: Session) -> ColumnElement[str]:
    """On SQLite, `+status`: without ANALYZE statistics SQLite would filter through the status index and sort
    every match; the unary plus makes it walk the queue index in order and stop after a page instead (0.3 ms
    rather than 140 ms at 100,000 conversations, `heard bench inbox-queries`). PostgreSQL plans from statistics."""
    if session.get_bind().dialect.name == "sqlite":
        return type_coerce(literal_column("+conversations.status"), String)
    status: ColumnElement[str] = Conversation.__table__.c.status
    return status


def _filtered(session: Session, query: Select[Any], chosen: InboxFilter, now: datetime) -> Select[Any]:
    c = Conversation
    status = _status(session)
    if chosen.status == "active":
        snooze_over = and_(status == "snoozed", c.snoozed_until <= now)
        query = query.where(or_(status.in_(("open", "pending")), snooze_over))
    elif chosen.status:
        query = query.where(status == chosen.status)
    if chosen.network:
        query = query.where(_network(session) == chosen.network)
    if chosen.sentiment:
        query = query.where(_customer_post(PostRecord.sentiment == chosen.sentiment))
    if chosen.language:
        query = query.where(_customer_post(PostRecord.language == chosen.language))
    if chosen.brand:
        # Any brand the conversation's posts address, not only their main one: a post naming two brands is in
        # both brands' queues.
        query = query.where(
            select(PostRecord.id)
            .join(PostBrand, PostBrand.post_id == PostRecord.id)
            .where(PostRecord.conversation_id == c.id, PostBrand.brand == chosen.brand)
            .exists()
        )
    if chosen.assignee == "none":
        query = query.where(c.assignee_id.is_(None))
    elif chosen.assignee is not None:
        query = query.where(c.assignee_id == chosen.assignee)
    return _searched(session, query, (chosen.search or "").strip())


def _searched(session: Session, query: Select[Any], wanted: str) -> Select[Any]:
    if wanted.startswith("@") and len(wanted) > 1:
        return query.where(func.lower(Conversation.customer_handle) == wanted[1:].lower())
    terms = search_terms(wanted)
    if not terms:
        return query
    return query.where(Conversation.id.in_(matching_conversations(session, terms)))


def list_conversations(
    session: Session,
    chosen: InboxFilter | None = None,
    offset: int = 0,
    limit: int = PAGE_SIZE,
    now: datetime | None = None,
) -> InboxPage:
    """One page of the queue. `offset` and `limit` are clamped to [0, MAX_OFFSET] and [1, MAX_PAGE_SIZE];
    `now` decides which snoozes are over (for the "active" view)."""
    offset = min(max(0, offset), MAX_OFFSET)
    limit = min(max(1, limit), MAX_PAGE_SIZE)
    when = now or datetime.now(UTC)
    query = _filtered(session, select(Conversation), chosen or InboxFilter(), when).order_by(*queue_order())
    rows = list(session.scalars(query.offset(offset).limit(limit + 1)))
    page = rows[:limit]
    names = agent_names(session, {c.assignee_id for c in page})
    return InboxPage(page, offset, limit, len(rows) > limit, names, row_reasons(session, page, when))


def matching_ids(session: Session, chosen: InboxFilter, ids: list[int], now: datetime) -> list[int]:
    """Which of these conversations the filter shows: the live "N new" counts only what belongs to the view."""
    if not ids:
        return []
    query = _filtered(session, select(Conversation.id).where(Conversation.id.in_(ids[:MAX_PAGE_SIZE])), chosen, now)
    return sorted(session.scalars(query))


def row_reasons(session: Session, page: list[Conversation], now: datetime) -> dict[int, str]:
    """The reason line of each row: one query for the latest customer post of each row, and one for pile-on
    evidence only when the page holds conversations the radar flagged."""
    if not page:
        return {}
    # The latest customer post stored in each conversation: the present state (when someone waits, the newest of
    # the posts still unanswered), not the root: a thread that began "you lost my bag!!" and now reads "thank you
    # very much.." is no longer a complaint. Ties on time go to the later stored post.
    ranked = (
        select(
            PostRecord.id,
            func.row_number()
            .over(
                partition_by=PostRecord.conversation_id,
                order_by=(PostRecord.created_at.desc(), PostRecord.id.desc()),
            )
            .label("rank"),
        )
        .where(PostRecord.conversation_id.in_(bindparam("rows", expanding=True)), PostRecord.is_brand.is_(False))
        .subquery()
    )
    latest = select(ranked.c.id).where(ranked.c.rank == 1)
    # Two statements rather than `id IN (subquery)`: the ids as literals make the second an index lookup on
    # both backends, where the nested form let PostgreSQL's planner hash-join against a walk of the whole table.
    # Expanding parameters: the id lists are bound as values, not coerced into one SQL element per id.
    first_ids = list(session.scalars(latest, {"rows": [c.id for c in page]}))
    # Only the columns a reason needs: whole PostRecord rows (text, five JSON lists) cost most of the page.
    facts_query = select(
        PostRecord.conversation_id,
        PostRecord.is_public,
        PostRecord.complaint,
        PostRecord.sentiment,
        PostRecord.author_followers,
    ).where(PostRecord.id.in_(bindparam("ids", expanding=True)))
    posts = {row[0]: row for row in session.execute(facts_query, {"ids": first_ids})}
    authors = _pileon_authors(session, [c.id for c in page if c.priority >= PILEON_PRIORITY])
    reasons = {}
    for c in page:
        post = posts.get(c.id)
        facts = RowFacts(
            waiting_since=c.waiting_since,
            public=post.is_public if post else None,
            priority=c.priority,
            pileon_authors=authors.get(c.id),
            complaint=post.complaint if post else None,
            sentiment=post.sentiment if post else None,
            followers=post.author_followers if post else None,
        )
        reasons[c.id] = reason(facts, now)
    return reasons


def _pileon_authors(session: Session, flagged: list[int]) -> dict[int, int]:
    """The most authors any alert on each flagged conversation counted (evidence "new_authors")."""
    if not flagged:
        return {}
    found: dict[int, int] = {}
    rows = session.execute(select(Alert.conversation_id, Alert.evidence).where(Alert.conversation_id.in_(flagged)))
    for conversation_id, evidence in rows:
        count = evidence.get("new_authors") if isinstance(evidence, dict) else None
        if conversation_id is not None and isinstance(count, int) and not isinstance(count, bool):
            found[conversation_id] = max(found.get(conversation_id, 0), count)
    return found


def agent_names(session: Session, ids: set[int | None], known: Mapping[int, str] | None = None) -> dict[int, str]:
    """The names of these agents; `known` names (a page's agent menu) save the query for the ones they hold."""
    known = known or {}
    found = {i: known[i] for i in ids if i is not None and i in known}
    wanted = [i for i in ids if i is not None and i not in known]
    if not wanted:
        return found
    rows = session.execute(select(Agent.id, Agent.name).where(Agent.id.in_(wanted)))
    return {**found, **{row.id: row.name for row in rows}}


def list_networks(session: Session) -> list[str]:
    """The networks that have conversations, for the filter menu: a skip scan of the network index (each step
    seeks the next network after the last one), so it reads one index entry per network instead of one per
    conversation as SELECT DISTINCT does on both backends."""
    step = text(
        "WITH RECURSIVE found(network) AS ("
        " SELECT (SELECT min(network) FROM conversations)"
        " UNION ALL"
        " SELECT (SELECT min(c.network) FROM conversations AS c WHERE c.network > found.network)"
        " FROM found WHERE found.network IS NOT NULL"
        ") SELECT network FROM found WHERE network IS NOT NULL"
    )
    return list(session.scalars(step))


#: Built once: the statement is the same for every conversation page.
_THREAD = (
    select(_MESSAGE_COLUMNS, _POST_COLUMNS)
    .outerjoin(PostRecord, PostRecord.id == Message.post_id)
    .where(Message.conversation_id == bindparam("conversation_id"))
    .order_by(Message.created_at.desc(), Message.id.desc())
    .limit(bindparam("most"))
)


def get_conversation(
    session: Session, conversation_id: int, known_names: Mapping[int, str] | None = None
) -> ConversationView | None:
    """The conversation and every message in it, oldest first, each with the post it came from (`known_names`: as
    for `agent_names`)."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        return None
    rows = session.execute(_THREAD, {"conversation_id": conversation_id, "most": MAX_THREAD}).all()
    entries = [ThreadEntry(message, post if post.id is not None else None) for message, post in reversed(rows)]
    # counted only when the thread is cut: a shorter one holds every message already
    total = len(entries)
    if total == MAX_THREAD:
        total = session.scalar(select(func.count()).where(Message.conversation_id == conversation_id)) or 0
    names = agent_names(session, {conversation.assignee_id}, known_names)
    assignee = names.get(conversation.assignee_id) if conversation.assignee_id is not None else None
    return ConversationView(conversation, entries, assignee, max(0, total - len(entries)))


@dataclass(frozen=True, slots=True)
class SentimentMark:
    """One judged post of the customer, for the sentiment-over-time row."""

    at: datetime
    sentiment: str


@dataclass(frozen=True, slots=True)
class CustomerContext:
    """What the team knows around one conversation: its incident, the customer's earlier conversations (newest
    first, as rows of id, created_at, network, first_customer_text and status) and the sentiment of their posts
    over time (oldest first)."""

    incident: Incident | None = None
    earlier: list[PlainRow] = field(default_factory=list)
    mood: list[SentimentMark] = field(default_factory=list)


def customer_context(session: Session, conversation: Conversation) -> CustomerContext:
    """Three small queries, each bounded: the incident, up to MAX_EARLIER conversations, up to MAX_MOOD posts.
    Plain statements built once, run on the session's connection: nothing here is changed, so nothing needs
    mapped objects but the incident."""
    return CustomerContext(
        _incident_of(session, conversation), _earlier(session, conversation), _mood(session, conversation)
    )


_FIRST_INCIDENT = (
    select(PostRecord.incident_id)
    .where(PostRecord.conversation_id == bindparam("conversation_id"), PostRecord.incident_id.is_not(None))
    .order_by(PostRecord.id)
    .limit(1)
)


def _incident_of(session: Session, conversation: Conversation) -> Incident | None:
    incident_id = conversation.incident_id
    if incident_id is None:
        incident_id = plain(session, _FIRST_INCIDENT, {"conversation_id": conversation.id}).scalar()
    incident = session.get(Incident, incident_id) if incident_id is not None else None
    # An incident merged into another lives on under the one it was merged into.
    if incident is not None and incident.merged_into_id is not None:
        incident = session.get(Incident, incident.merged_into_id) or incident
    return incident


_EARLIER = (
    select(
        Conversation.id,
        Conversation.created_at,
        Conversation.network,
        Conversation.first_customer_text,
        Conversation.status,
    )
    .where(
        Conversation.contact_id == bindparam("contact_id"),
        Conversation.id != bindparam("conversation_id"),
        Conversation.created_at <= bindparam("created_at", type_=Conversation.created_at.type),
    )
    .order_by(Conversation.created_at.desc(), Conversation.id.desc())
    .limit(MAX_EARLIER)
)


def _earlier(session: Session, conversation: Conversation) -> list[PlainRow]:
    if conversation.contact_id is None:
        return []
    wanted = {
        "contact_id": conversation.contact_id,
        "conversation_id": conversation.id,
        "created_at": conversation.created_at,
    }
    return list(plain(session, _EARLIER, wanted).all())


def _mood_of(*whose: ColumnElement[bool]) -> Select[datetime, str | None]:
    return (
        select(PostRecord.created_at, PostRecord.sentiment)
        .where(*whose, PostRecord.is_brand.is_(False), PostRecord.sentiment.in_(SENTIMENTS))
        .order_by(PostRecord.created_at.desc(), PostRecord.id.desc())
        .limit(MAX_MOOD)
    )


_MOOD_BY_CONTACT = _mood_of(PostRecord.contact_id == bindparam("contact_id"))
_MOOD_BY_HANDLE = _mood_of(
    PostRecord.conversation_id == bindparam("conversation_id"), PostRecord.author_handle == bindparam("handle")
)


def _mood(session: Session, conversation: Conversation) -> list[SentimentMark]:
    """The customer's judged posts, in time order: by contact when known, else in this conversation by handle."""
    if conversation.contact_id is not None:
        rows = plain(session, _MOOD_BY_CONTACT, {"contact_id": conversation.contact_id})
    else:
        wanted = {"conversation_id": conversation.id, "handle": conversation.customer_handle}
        rows = plain(session, _MOOD_BY_HANDLE, wanted)
    return [SentimentMark(at, sentiment) for at, sentiment in reversed(rows.all()) if sentiment]


def count_conversations(session: Session, chosen: InboxFilter, now: datetime, cap: int = 10_000) -> int:
    """How many conversations the filter shows, counted up to `cap` (a saved view's badge: "10,000+" is enough)."""
    ids = _filtered(session, select(Conversation.id), chosen, now).limit(cap).subquery()
    return int(session.scalar(select(func.count()).select_from(ids)) or 0)
