"""Who a request is about: a contact (and, through merges, every identity it has), found by id or by handle."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select, tuple_
from sqlalchemy.orm import Session

from heard.conversations.models import Contact, ContactIdentity, ContactMerge, PostRecord
from heard.errors import NotFound

#: Names shorter than this are not searched for in other people's words: "Al" would redact every "also".
MIN_NEEDLE_CHARS = 4


@dataclass(frozen=True, slots=True)
class Identity:
    network: str
    external_id: str
    handle: str
    display_name: str | None


@dataclass(frozen=True, slots=True)
class Person:
    """Every contact and identity of one person (a merged contact has several identities)."""

    contact_ids: tuple[int, ...]
    identities: tuple[Identity, ...]
    names: tuple[str, ...]

    def handles(self) -> list[str]:
        return sorted({i.handle.lstrip("@") for i in self.identities if i.handle})

    def needles(self) -> list[str]:
        """The strings that say who they are: handles, author ids and names, longest first (so "anna_s_bakery"
        is replaced before "anna_s")."""
        found = {*self.handles(), *(i.external_id for i in self.identities), *self.names}
        found |= {i.display_name for i in self.identities if i.display_name}
        return sorted((n for n in found if len(n) >= MIN_NEEDLE_CHARS), key=lambda n: (-len(n), n))


def find_person(
    session: Session, *, contact_id: int | None = None, handle: str | None = None, network: str | None = None
) -> Person:
    """The person behind a contact id or a handle (with or without @, any case; on one network when given)."""
    if contact_id is None and not handle:
        raise NotFound("name a contact id or a handle")
    ids: set[int] = set()
    if contact_id is not None:
        if session.get(Contact, contact_id) is None:
            raise NotFound(f"no contact {contact_id}")
        ids.add(contact_id)
    if handle:
        query = select(ContactIdentity.contact_id).where(
            func.lower(ContactIdentity.handle) == handle.strip().lstrip("@").lower()
        )
        if network:
            query = query.where(ContactIdentity.network == network)
        ids |= set(session.scalars(query))
        if not ids:
            raise NotFound(f"no contact with the handle {handle[:80]!r}")
    # contacts merged into theirs are theirs too (the merged contact row keeps its name for an undo)
    merged = select(ContactMerge.from_id).where(ContactMerge.into_id.in_(ids), ContactMerge.undone_at.is_(None))
    ids |= set(session.scalars(merged))
    rows = session.scalars(select(ContactIdentity).where(ContactIdentity.contact_id.in_(ids))).all()
    identities = tuple(Identity(r.network, r.external_id, r.handle, r.display_name) for r in rows)
    names = tuple(n for n in session.scalars(select(Contact.display_name).where(Contact.id.in_(ids))) if n)
    return Person(tuple(sorted(ids)), identities, names)


def authored(person: Person) -> ColumnElement[bool]:
    """The condition for the posts they wrote: by contact, or by (network, author id) for posts stored before a
    contact was linked."""
    keys = [(i.network, i.external_id) for i in person.identities]
    conditions = [PostRecord.contact_id.in_(person.contact_ids)]
    if keys:
        conditions.append(tuple_(PostRecord.network, PostRecord.author_id).in_(keys))
    return or_(*conditions)
