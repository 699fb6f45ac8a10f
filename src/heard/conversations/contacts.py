"""Contacts for the authors of customer posts: one Contact per (network, author id), reach kept current."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from heard.conversations.models import Contact, ContactIdentity
from heard.conversations.stored import chunks
from heard.db.bulk import insert_many, insert_returning, table_of, update_many
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
