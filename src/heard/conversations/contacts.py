"""Contacts for the authors of customer posts: one Contact per (network, author id), reach kept current."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from heard.audit.trail import Actor, record
from heard.conversations.models import Contact, ContactIdentity, ContactMerge, Conversation, PostRecord
from heard.conversations.stored import chunks
from heard.db.bulk import insert_many, insert_returning, table_of, update_many
from heard.db.unit import emit
from heard.errors import NotFound, Refused
from heard.events import ConversationUpdated
from heard.posts import Post


def ensure_contacts(session: Session, posts: Sequence[Post], now: datetime) -> dict[tuple[str, str], int]:
    """Contact ids of the customers who wrote `posts` (brand posts have none), creating the missing ones."""
    authors: dict[tuple[str, str], Post] = {}
    for post in posts:
        if not post.is_brand:
            authors[(post.network, post.raw.author_id)] = post
    if not authors:
        return {}
    known = _known_identities(session, list(authors))
    _refresh_reach(session, authors, known)
    missing = [key for key in authors if key not in known]
    if missing:
        names = {key: authors[key].raw.author_name or authors[key].raw.author_handle for key in missing}
        returned = insert_returning(
            session,
            Contact,
            [{"display_name": name, "created_at": now} for name in names.values()],
            "id",
            "display_name",
        )
        # Unordered RETURNING batches well; new contacts differ only by name, so any id with the right name fits.
        free: dict[str, list[int]] = {}
        for contact_id, name in returned:
            free.setdefault(name, []).append(contact_id)
        rows = []
        made: dict[tuple[str, str], int] = {}
        for key in missing:
            contact_id = free[names[key]].pop()
            raw = authors[key].raw
            made[key] = contact_id
            rows.append(
                {
                    "contact_id": contact_id,
                    "network": key[0],
                    "external_id": key[1],
                    "handle": raw.author_handle,
                    "display_name": raw.author_name,
                    "followers": raw.author_followers,
                }
            )
        # Another worker may have created the same identity since we looked (a cluster's pipeline workers see the
        # same customers): its row wins, ours is skipped, and the contact made for it is removed again, all in
        # this transaction, instead of the whole batch failing on the unique constraint.
        taken = insert_many(
            session.connection(),
            table_of(ContactIdentity),
            rows,
            returning=("network", "external_id"),
            skip_conflicts=True,
        )
        won = {(network, external_id) for network, external_id in taken}
        for key in won:
            known[key] = (made[key], authors[key].raw.author_followers)
        lost = [key for key in missing if key not in won]
        if lost:
            session.execute(delete(Contact).where(Contact.id.in_([made[key] for key in lost])))
            known.update(_known_identities(session, lost))
    return {key: value[0] for key, value in known.items()}


def _known_identities(session: Session, keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, int | None]]:
    by_network: dict[str, list[str]] = {}
    for network, external_id in keys:
        by_network.setdefault(network, []).append(external_id)
    known: dict[tuple[str, str], tuple[int, int | None]] = {}
    for network, ids in by_network.items():
        for part in chunks(ids):
            query = select(ContactIdentity.external_id, ContactIdentity.contact_id, ContactIdentity.followers).where(
                ContactIdentity.network == network, ContactIdentity.external_id.in_(part)
            )
            for external_id, contact_id, followers in session.execute(query):
                known[(network, external_id)] = (contact_id, followers)
    return known


def _refresh_reach(
    session: Session,
    authors: dict[tuple[str, str], Post],
    known: dict[tuple[str, str], tuple[int, int | None]],
) -> None:
    """Followers change; keep the latest count the network reported."""
    changes = [
        {"network": key[0], "external_id": key[1], "followers": authors[key].raw.author_followers}
        for key, (_, followers) in known.items()
        if authors[key].raw.author_followers is not None and authors[key].raw.author_followers != followers
    ]
    update_many(session.connection(), table_of(ContactIdentity), changes, where=("network", "external_id"))


# One customer across networks: suggestions, an agent's confirmed merge, and its undo.

#: An e-mail address a customer gave in a private message (the usual way a person says who they are).
_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")
#: Names shorter than this ("Jo") are too common to suggest a merge by.
MIN_NAME_CHARS = 5
MAX_SUGGESTIONS = 100


@dataclass(frozen=True, slots=True)
class MergeSuggestion:
    """Two contacts that are probably one person, and why."""

    keep_id: int
    other_id: int
    reason: str


def _name_key(name: str) -> str:
    return " ".join(name.lower().split())


def merge_suggestions(
    session: Session, contact_id: int | None = None, limit: int = MAX_SUGGESTIONS
) -> list[MergeSuggestion]:
    """Contacts with the same display name, or the same e-mail address given in a private message; the older
    contact is the one kept. With `contact_id`, only the pairs that include it."""
    found: dict[tuple[int, int], str] = {}
    names: dict[str, list[int]] = {}
    for cid, name in session.execute(select(Contact.id, Contact.display_name).order_by(Contact.id)):
        key = _name_key(name or "")
        if len(key) >= MIN_NAME_CHARS and key != "[erased]":
            names.setdefault(key, []).append(cid)
    for ids in names.values():
        for other in ids[1:]:
            found.setdefault((ids[0], other), "same name")
    emails: dict[str, list[int]] = {}
    private = select(PostRecord.contact_id, PostRecord.text).where(
        PostRecord.is_public.is_(False), PostRecord.is_brand.is_(False), PostRecord.contact_id.is_not(None)
    )
    for writer, text in session.execute(private):
        for address in {a.lower() for a in _EMAIL.findall(text or "")}:
            if writer is not None and writer not in emails.setdefault(address, []):
                emails[address].append(int(writer))
    for same in emails.values():
        ordered = sorted(same)
        for other in ordered[1:]:
            found[(ordered[0], other)] = "same e-mail"
    merged = {
        (m.into_id, m.from_id) for m in session.scalars(select(ContactMerge).where(ContactMerge.undone_at.is_(None)))
    }
    gone = {m[1] for m in merged}
    pairs = [
        MergeSuggestion(keep, other, reason)
        for (keep, other), reason in sorted(found.items())
        if keep not in gone and other not in gone and (contact_id is None or contact_id in (keep, other))
    ]
    return pairs[:limit]


def merge_contacts(
    session: Session, into_id: int, from_id: int, *, by: Actor, now: datetime, reason: str = ""
) -> ContactMerge:
    """Fold contact `from_id` into `into_id`: its identities, conversations and posts now belong to `into_id`. The
    row that says what moved makes `undo_merge` exact."""
    if into_id == from_id:
        raise Refused("a contact cannot be merged into itself")
    into, other = session.get(Contact, into_id), session.get(Contact, from_id)
    if into is None or other is None:
        raise NotFound("no such contact")
    identity_ids = list(session.scalars(select(ContactIdentity.id).where(ContactIdentity.contact_id == from_id)))
    conversation_ids = list(session.scalars(select(Conversation.id).where(Conversation.contact_id == from_id)))
    post_ids = list(session.scalars(select(PostRecord.id).where(PostRecord.contact_id == from_id)))
    session.execute(update(ContactIdentity).where(ContactIdentity.id.in_(identity_ids)).values(contact_id=into_id))
    session.execute(update(Conversation).where(Conversation.id.in_(conversation_ids)).values(contact_id=into_id))
    session.execute(update(PostRecord).where(PostRecord.id.in_(post_ids)).values(contact_id=into_id))
    merge = ContactMerge(
        into_id=into_id,
        from_id=from_id,
        from_name=other.display_name,
        identity_ids=identity_ids,
        conversation_ids=conversation_ids,
        post_ids=post_ids,
        reason=reason[:64],
        merged_by=by.id,
        merged_at=now,
    )
    session.add(merge)
    session.flush()
    detail = {"into": into_id, "from": from_id, "identities": len(identity_ids), "conversations": len(conversation_ids)}
    record(session, by, "contacts.merged", "contact", into_id, detail, at=now)
    emit(session, *(ConversationUpdated(c) for c in conversation_ids))
    return merge


def undo_merge(session: Session, merge_id: int, *, by: Actor, now: datetime) -> ContactMerge:
    """Put back exactly what the merge moved (identities, conversations and posts that came from `from_id`)."""
    merge = session.get(ContactMerge, merge_id)
    if merge is None:
        raise NotFound(f"no merge {merge_id}")
    if merge.undone_at is not None:
        raise Refused("this merge was undone already")
    back = merge.from_id
    session.execute(update(ContactIdentity).where(ContactIdentity.id.in_(merge.identity_ids)).values(contact_id=back))
    session.execute(update(Conversation).where(Conversation.id.in_(merge.conversation_ids)).values(contact_id=back))
    session.execute(update(PostRecord).where(PostRecord.id.in_(merge.post_ids)).values(contact_id=back))
    merge.undone_at = now
    session.flush()
    record(session, by, "contacts.unmerged", "contact", merge.into_id, {"merge_id": merge.id, "from": back}, at=now)
    emit(session, *(ConversationUpdated(c) for c in merge.conversation_ids))
    return merge


def recent_merges(session: Session, limit: int = 50) -> list[ContactMerge]:
    return list(session.scalars(select(ContactMerge).order_by(ContactMerge.id.desc()).limit(limit)))
