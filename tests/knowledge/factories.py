"""An incident with real-looking complaints and agents' replies, inserted directly."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.orm import Session

from heard import schema  # noqa: F401 - registers every mapper
from heard.clock import Clock
from heard.conversations.models import Contact, Conversation, Message, PostRecord
from heard.incidents.models import Incident

_ids = itertools.count(1)

COMPLAINTS = [
    ("ana", "@AppleSupport since the update every time I type the letter I it turns into A [?] what is going on"),
    ("ben", "@AppleSupport my iPhone keeps changing I to A with a question mark, so annoying"),
    ("chloe", "@AppleSupport updated to iOS 11.1 and now my I's show up as A [?] in every app"),
]
REPLIES = [
    "@ana We can help. Go to Settings > General > Software Update and install the latest iOS. ^AB",
    "@ben Thanks for reaching out. Go to Settings > General > Software Update and install the latest iOS. ^CD",
    "@chloe Meanwhile, add a Text Replacement in Settings > General > Keyboard that turns i into I. /EF",
]


def add_incident(
    session: Session,
    clock: Clock,
    complaints: Sequence[tuple[str, str]] = COMPLAINTS,
    replies: Sequence[str] = REPLIES,
    title: str = "Typing I shows A [?]",
) -> Incident:
    now = clock.now()
    incident = Incident(title=title, summary="", status="identified", created_at=now, updated_at=now)
    session.add(incident)
    session.flush()
    contacts: dict[str, Contact] = {}
    for i, (handle, text) in enumerate(complaints):
        contact = contacts.get(handle)
        if contact is None:
            contact = contacts[handle] = Contact(display_name=handle, created_at=now)
            session.add(contact)
            session.flush()
        at = now + timedelta(minutes=i)
        conversation = Conversation(
            network="twitter",
            contact_id=contact.id,
            root_external_id=f"root-{next(_ids)}",
            first_customer_text=text,
            customer_handle=handle,
            created_at=at,
            last_activity_at=at,
            incident_id=incident.id,
        )
        session.add(conversation)
        session.flush()
        _post(session, conversation, handle, text, at, contact.id, incident.id, is_brand=False)
        if i < len(replies):
            _post(session, conversation, "AppleSupport", replies[i], at + timedelta(seconds=30), None, None, True)
    session.flush()
    return incident


def _post(
    session: Session,
    conversation: Conversation,
    handle: str,
    text: str,
    at: object,
    contact_id: int | None,
    incident_id: int | None,
    is_brand: bool,
) -> None:
    external = f"ext-{next(_ids)}"
    post = PostRecord(
        network="twitter",
        external_id=external,
        author_id=handle,
        author_handle=handle,
        contact_id=contact_id,
        is_brand=is_brand,
        text=text,
        mentions=["AppleSupport"] if not is_brand else [handle],
        created_at=at,
        ingested_at=at,
        conversation_id=conversation.id,
        incident_id=incident_id,
        complaint=None if is_brand else 0.9,
    )
    session.add(post)
    session.flush()
    session.add(
        Message(
            conversation_id=conversation.id,
            post_id=post.id,
            direction="outgoing" if is_brand else "incoming",
            author_handle=handle,
            text=text,
            external_id=external,
            created_at=at,
        )
    )
