"""Write side of ingest: store a batch of posts that came through the stages, thread them into conversations.

One call is one part of a unit of work: the caller commits; the events are registered on the transaction.
Bulk statements throughout: the pipeline must keep up with a firehose on one core.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from hashlib import blake2b
from typing import Any

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from heard.channels.models import Channel, Inbox
from heard.conversations.contacts import ensure_contacts
from heard.conversations.models import Conversation, Message, PostBrand, PostRecord
from heard.conversations.search import bulk_indexed
from heard.conversations.state import (
    STATE_FIELDS,
    ConversationState,
    addressed,
    apply_messages,
    load_states,
    save_states,
)
from heard.conversations.stored import SentReply, StoredThreadPost, sent_replies, stored_ancestors, stored_replies_to
from heard.db.bulk import insert_many, insert_returning, insert_rows, table_of, update_many
from heard.db.unit import emit
from heard.errors import Conflict
from heard.events import DeadLettered, PostsStored
from heard.ingest.models import DeadLetter
from heard.pipeline.group import INCIDENT_KEY
from heard.pipeline.stage import Rejection
from heard.pipeline.threads import NewConversation, StoredPost, ThreadDecision, assign_threads, parent_key
from heard.posts import Post, storable


@dataclass
class StoreResult:
    post_ids: dict[str, int] = field(default_factory=dict)
    opened: list[int] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)

    def event(self) -> PostsStored:
        return PostsStored(
            count=len(self.post_ids),
            conversations=len(self.touched),
            conversation_ids=tuple(sorted(self.touched)),
            opened_ids=tuple(sorted(self.opened)),
        )


def lock_threads(session: Session, posts: Sequence[Post]) -> None:
    """On PostgreSQL, take a transaction lock on each post's key and its parent's key, before the batch reads
    anything: two workers whose batches hold a post and its reply then store them one after the other, so the
    second sees the first's rows (a reply is threaded under its parent, an early reply is folded into the root
    that arrives) instead of each missing the other's uncommitted post and splitting the thread. Batches that
    share no reply edge do not wait for each other. The keys are locked in one statement in sorted order, so
    two batches cannot deadlock on them. SQLite has one writer at a time and needs none of it."""
    if session.get_bind().dialect.name != "postgresql" or not posts:
        return
    keys: set[str] = set()
    for post in posts:
        keys.add(post.key)
        if parent := parent_key(post):
            keys.add(parent)
    ids = sorted({int.from_bytes(blake2b(k.encode(), digest_size=8).digest(), "big", signed=True) for k in keys})
    # unnest is a function scan: it yields (and so locks) in the array's order.
    session.execute(
        text("SELECT count(pg_advisory_xact_lock(k)) FROM unnest(CAST(:keys AS bigint[])) AS k"), {"keys": ids}
    )


def store_batch(session: Session, posts: Sequence[Post], now: datetime) -> StoreResult:
    """Store posts that passed dedupe, with their contacts, conversations and messages; registers one
    `posts.stored` event for the batch."""
    result = _store(session, posts, now)
    if result.post_ids:
        emit(session, result.event())
    return result


def _store(session: Session, posts: Sequence[Post], now: datetime) -> StoreResult:
    result = StoreResult()
    if not posts:
        return result
    posts = sorted(posts, key=lambda p: p.created_at)
    contacts = ensure_contacts(session, posts, now)
    echoes = sent_replies(session, posts)
    if echoes:
        _store_echoes(session, [p for p in posts if p.key in echoes], echoes, contacts, now, result)
        posts = [p for p in posts if p.key not in echoes]
        if not posts:
            return result
    parents = stored_ancestors(session, {k for p in posts if (k := parent_key(p))})
    early = stored_replies_to(session, {p.key for p in posts})
    decisions = assign_threads(posts, _as_stored(parents), {k: _as_stored_list(v) for k, v in early.items()})
    by_key = {p.key: p for p in posts}
    new_ids = _open_conversations(session, decisions, by_key, parents, contacts, now)
    result.opened = list(new_ids.values())
    conv_of = {d.post_key: _resolve(d.conversation, new_ids) for d in decisions}
    result.post_ids = _insert_posts(session, posts, conv_of, contacts, now)
    _insert_brands(session, posts, result.post_ids)
    merged = _merge(session, decisions, new_ids)
    merged_into = {_followed(merged, target) for target in merged.values()}
    adopted = _adopt(session, decisions, new_ids, parents, result.post_ids, by_key)
    # A post of this batch may have been placed in a conversation the batch then merged away (its parent is a
    # stored early reply whose conversation folds into a new root): its message goes where the merge went.
    messages = [
        _message_row(by_key[k], result.post_ids[k], _followed(merged, cid))
        for k, cid in conv_of.items()
        if cid is not None
    ]
    for row in adopted:
        row["conversation_id"] = _followed(merged, row["conversation_id"])
    messages.extend(adopted)
    if messages:
        with bulk_indexed(session):
            insert_rows(session, Message, messages)
    touched = {m["conversation_id"] for m in messages} | merged_into
    # Conversations opened by this batch were inserted with their figures already counted (_open_conversations);
    # only those that existed before, and merge targets, need reading and writing again.
    settled = set(new_ids.values()) - merged_into
    states = load_states(session, touched - settled)
    if gone := (touched - settled) - set(states):
        # Another worker merged these conversations away after this batch read where its parents were.
        raise Conflict(f"conversations merged meanwhile: {sorted(gone)[:5]}")
    for cid in merged_into:
        states[cid] = ConversationState.recount(session, cid)
    later = [m for m in messages if m["conversation_id"] not in merged_into and m["conversation_id"] not in settled]
    apply_messages(states, later, by_key, result.post_ids)
    save_states(session, states)
    result.touched = touched
    return result


def _store_echoes(
    session: Session,
    posts: Sequence[Post],
    echoes: dict[str, SentReply],
    contacts: dict[tuple[str, str], int],
    now: datetime,
    result: StoreResult,
) -> None:
    """A reply Heard sent, read back from the network: stored as a post of its conversation and linked to the
    message already there, which was counted when it was sent, so the conversation neither grows a second copy
    nor counts the answer twice."""
    rows = [_post_row(p, echoes[p.key].conversation_id, contacts.get((p.network, p.raw.author_id)), now) for p in posts]
    returned = insert_returning(session, PostRecord, rows, "id", "network", "external_id")
    ids = {f"{network}:{external_id}": pid for pid, network, external_id in returned}
    links = [{"id": echoes[key].message_id, "post_id": pid} for key, pid in ids.items()]
    update_many(session.connection(), table_of(Message), links, where=("id",))
    result.post_ids.update(ids)
    result.touched |= {echoes[key].conversation_id for key in ids}


def _as_stored(posts: dict[str, StoredThreadPost]) -> dict[str, StoredPost]:
    return {k: StoredPost(k, p.conversation_id, p.is_brand, p.parent_key) for k, p in posts.items()}


def _as_stored_list(posts: Iterable[StoredThreadPost]) -> list[StoredPost]:
    return [StoredPost(p.key, p.conversation_id, p.is_brand) for p in posts]


def _resolve(ref: int | NewConversation | None, new_ids: dict[str, int]) -> int | None:
    if isinstance(ref, NewConversation):
        return new_ids[ref.root_key]
    return ref


def _open_conversations(
    session: Session,
    decisions: list[ThreadDecision],
    by_key: dict[str, Post],
    parents: dict[str, StoredThreadPost],
    contacts: dict[tuple[str, str], int],
    now: datetime,
) -> dict[str, int]:
    roots: dict[str, ThreadDecision] = {}
    for decision in decisions:
        if isinstance(decision.conversation, NewConversation):
            roots.setdefault(decision.conversation.root_key, decision)
    if not roots:
        return {}
    states = _opening_states(decisions, roots, by_key, parents)
    inboxes = _channel_inboxes(session, {by_key[key].raw.channel for key in roots})
    rows = []
    for root_key, decision in roots.items():
        post = by_key[root_key]
        started = post.created_at
        for adopted in decision.adopt:
            earlier = parents[adopted].created_at if adopted in parents else by_key[adopted].created_at
            started = min(started, earlier)
        state = states[root_key]
        rows.append(
            {
                "network": post.network,
                "contact_id": contacts.get((post.network, post.raw.author_id)),
                "root_external_id": post.external_id,
                "priority": 0,
                "first_customer_text": post.text[:500],
                "customer_handle": post.raw.author_handle,
                "inbox_id": inboxes.get(post.raw.channel or ""),
                "created_at": started,
                **{name: getattr(state, name) for name in STATE_FIELDS},
            }
        )
    # RETURNING without a parameter order lets SQLAlchemy batch the insert; rows are matched by their root.
    returned = insert_returning(session, Conversation, rows, "id", "network", "root_external_id")
    return {f"{network}:{root}": cid for cid, network, root in returned}


def _channel_inboxes(session: Session, channels: set[str | None]) -> dict[str, int]:
    """The inbox a lead set up for each of these channels (its SLA targets, hours and approval threshold then
    govern the conversations the channel opens); one statement a batch, none when the posts name no channel."""
    names = sorted(c for c in channels if c)
    if not names:
        return {}
    query = select(Channel.name, Inbox.id).join(Inbox, Inbox.channel_id == Channel.id).where(Channel.name.in_(names))
    # newest first, so where a channel has two inboxes the first one set up wins
    return {row.name: row.id for row in session.execute(query.order_by(Inbox.id.desc()))}


def _opening_states(
    decisions: list[ThreadDecision],
    roots: dict[str, ThreadDecision],
    by_key: dict[str, Post],
    parents: dict[str, StoredThreadPost],
) -> dict[str, ConversationState]:
    """The figures of each conversation this batch opens, counted from the messages the batch gives it (its
    posts and the brand posts it adopts), so the row is inserted complete instead of inserted then updated."""
    states = {key: ConversationState(0, "open", 0, 0, by_key[key].created_at, None, None, None, None) for key in roots}
    arrivals: list[tuple[datetime, str, bool, int | None, bool]] = []
    for decision in decisions:
        ref = decision.conversation
        if not isinstance(ref, NewConversation):
            continue
        post = by_key[decision.post_key]
        arrivals.append((post.created_at, ref.root_key, post.is_brand, post.urgency, addressed(post)))
        for key in decision.adopt:
            at = parents[key].created_at if key in parents else by_key[key].created_at
            arrivals.append((at, ref.root_key, True, None, True))
    # The order apply_messages uses: by time, ties in the order the messages are written.
    for at, root_key, outgoing, urgency, to_brand in sorted(arrivals, key=lambda a: a[0]):
        if outgoing:
            states[root_key].add_outgoing(at)
        else:
            states[root_key].add_incoming(at, urgency, addressed=to_brand)
    return states


def _insert_posts(
    session: Session,
    posts: Sequence[Post],
    conv_of: dict[str, int | None],
    contacts: dict[tuple[str, str], int],
    now: datetime,
) -> dict[str, int]:
    rows = [_post_row(p, conv_of.get(p.key), contacts.get((p.network, p.raw.author_id)), now) for p in posts]
    returned = insert_returning(session, PostRecord, rows, "id", "network", "external_id")
    return {f"{network}:{external_id}": pid for pid, network, external_id in returned}


def _post_row(post: Post, conversation_id: int | None, contact_id: int | None, now: datetime) -> dict[str, Any]:
    raw = post.raw
    return {
        "network": raw.network,
        "external_id": raw.external_id,
        "channel": raw.channel,
        "author_id": raw.author_id,
        "author_handle": raw.author_handle,
        "author_name": raw.author_name,
        "author_followers": raw.author_followers,
        "contact_id": None if raw.is_brand else contact_id,
        "is_brand": raw.is_brand,
        "is_public": raw.is_public,
        "text": post.text,
        "truncated": post.truncated,
        "language": post.language,
        "hashtags": list(post.hashtags),
        "mentions": list(post.mentions),
        "urls": list(post.urls),
        "in_reply_to": raw.in_reply_to,
        "quote_of": raw.quote_of,
        "permalink": raw.permalink,
        "created_at": raw.created_at,
        "ingested_at": now,
        "conversation_id": conversation_id,
        # The incident the group stage chose (opened in this transaction): written with the row, not after it.
        "incident_id": post.extra.get(INCIDENT_KEY),
        "brand": _main_brand(post),
        "complaint": post.complaint,
        "intents": list(post.intents),
        "sentiment": post.sentiment,
        "sentiment_score": post.sentiment_score,
        "topic": post.topic,
        "urgency": post.urgency,
        "urgency_reasons": list(post.urgency_reasons),
    }


def _insert_brands(session: Session, posts: Sequence[Post], ids: dict[str, int]) -> None:
    """Every brand each new post addresses (`post_brands`), the main one included."""
    rows = [
        {"post_id": ids[post.key], "brand": brand}
        for post in posts
        if post.key in ids
        for brand in dict.fromkeys(_brands(post))
    ]
    insert_rows(session, PostBrand, rows)


def _brands(post: Post) -> list[str]:
    brands = post.extra.get("brands")
    return [str(b)[:64] for b in brands if b] if isinstance(brands, list) else []


def _main_brand(post: Post) -> str | None:
    brands = post.extra.get("brands")
    return str(brands[0])[:64] if isinstance(brands, list) and brands else None


def _message_row(post: Post, post_id: int, conversation_id: int) -> dict[str, Any]:
    return {
        "conversation_id": conversation_id,
        "post_id": post_id,
        "direction": "outgoing" if post.is_brand else "incoming",
        "author_handle": post.raw.author_handle,
        "text": post.text,
        "external_id": post.external_id,
        "created_at": post.created_at,
        "delivery_state": "sent" if post.is_brand else "received",
    }


def _adopt(
    session: Session,
    decisions: list[ThreadDecision],
    new_ids: dict[str, int],
    parents: dict[str, StoredThreadPost],
    post_ids: dict[str, int],
    by_key: dict[str, Post],
) -> list[dict[str, Any]]:
    """Brand posts that a customer answered: they join the customer's new conversation as outgoing messages."""
    rows: list[dict[str, Any]] = []
    moved: list[dict[str, Any]] = []
    for decision in decisions:
        cid = _resolve(decision.conversation, new_ids)
        for key in decision.adopt:
            if cid is None:
                continue
            if key in parents:
                stored = parents[key]
                moved.append({"id": stored.id, "conversation_id": cid})
                rows.append(
                    {
                        "conversation_id": cid,
                        "post_id": stored.id,
                        "direction": "outgoing",
                        "author_handle": stored.author_handle,
                        "text": stored.text,
                        "external_id": stored.external_id,
                        "created_at": stored.created_at,
                        "delivery_state": "sent",
                    }
                )
            elif key in by_key:
                moved.append({"id": post_ids[key], "conversation_id": cid})
                rows.append(_message_row(by_key[key], post_ids[key], cid))
    # One executemany for the batch's adopted posts rather than an UPDATE statement each.
    update_many(session.connection(), table_of(PostRecord), moved, where=("id",))
    return rows


def _merge(session: Session, decisions: list[ThreadDecision], new_ids: dict[str, int]) -> dict[int, int]:
    """Conversations of replies that arrived before their parent are folded into the parent's; returns which
    conversation went into which."""
    into: dict[int, int] = {}
    for decision in decisions:
        target = _resolve(decision.conversation, new_ids)
        for source in decision.merge:
            if target is None or source == target:
                continue
            session.execute(
                update(PostRecord).where(PostRecord.conversation_id == source).values(conversation_id=target)
            )
            session.execute(update(Message).where(Message.conversation_id == source).values(conversation_id=target))
            session.execute(delete(Conversation).where(Conversation.id == source))
            into[source] = target
    return into


def _followed(merged: dict[int, int], conversation_id: int) -> int:
    """Where a conversation ended up after the batch's merges (a target can itself be merged further)."""
    seen = 0
    while conversation_id in merged and seen <= len(merged):
        conversation_id = merged[conversation_id]
        seen += 1
    return conversation_id


def record_dead_letters(session: Session, rejections: Iterable[Rejection], source: str, now: datetime) -> int:
    """Set inputs aside whole, with the reason; each new one registers a `dead_letter.recorded` event. One
    already recorded (same source, stage, reason and raw: a re-imported file) is not recorded again; returns
    how many were new."""
    source = storable(source[:256])
    rows: dict[str, dict[str, Any]] = {}
    for r in rejections:
        row = {"source": source, "stage": r.stage[:64], "reason": storable(r.reason), "raw": storable(r.raw)}
        fingerprint = dead_letter_fingerprint(row)
        rows.setdefault(fingerprint, {**row, "created_at": now, "fingerprint": fingerprint})
    if not rows:
        return 0
    table = table_of(DeadLetter)
    added = insert_many(session.connection(), table, list(rows.values()), ("fingerprint",), skip_conflicts=True)
    new = {fingerprint for (fingerprint,) in added}
    emit(session, *(DeadLettered(source, row["reason"][:500]) for fp, row in rows.items() if fp in new))
    return len(new)


def dead_letter_fingerprint(row: dict[str, Any]) -> str:
    digest = hashlib.sha256()
    for name in ("source", "stage", "reason", "raw"):
        digest.update(str(row[name]).encode("utf-8", errors="surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


def conversation_count(session: Session) -> int:
    from sqlalchemy import func

    return int(session.execute(select(func.count()).select_from(Conversation)).scalar_one())
