"""The demo's staged pile-on: invented "same here" replies from new people onto one real complaint.

The bundled sample is real support traffic, and real traffic seldom holds a pile-on; a newcomer trying the demo
should still see the radar do its job. A minute after the live replay starts, the demo picks the newest customer
complaint that opened a conversation and sends a dozen replies to it from distinct invented authors, one every
few seconds, stamped with the moment they arrive: the radar raises one pile-on alert, the thread goes to the top
of the inbox. The replies say what they are (`demo-pileon-*` ids and `pileon_demo*` handles), and `heard demo`
prints that it stages one.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select

from heard.app import Runtime
from heard.conversations.models import PostRecord
from heard.posts import RawPost
from heard.stream.base import append_posts

#: What people piling on say, in the words of the sample's own customers.
REPLIES = (
    "same here, been waiting days and nobody answers",
    "this happened to me too last week",
    "same problem here, no reply either",
    "+1 exactly the same issue",
    "me too, still not fixed",
    "glad it's not just me, same thing",
    "same here!! any update?",
    "I've had this for 3 days now",
    "same, and support just ignores us",
    "happening to me right now too",
    "yep, same issue, really frustrating",
    "me too. this is getting ridiculous",
)
EXTERNAL_PREFIX = "demo-pileon-"


def pick_complaint(runtime: Runtime) -> PostRecord | None:
    """The newest customer post that opened a conversation and reads as a complaint (None in an empty inbox)."""
    with runtime.sessions() as session:
        return session.scalars(
            select(PostRecord)
            .where(PostRecord.is_brand.is_(False), PostRecord.in_reply_to.is_(None), PostRecord.complaint >= 0.7)
            .order_by(PostRecord.created_at.desc())
            .limit(1)
        ).first()


def pileon_replies(root: PostRecord, start: datetime, every_s: float = 6.0) -> list[RawPost]:
    """The staged replies to `root`, one every `every_s` seconds from `start`."""
    return [
        RawPost(
            network=root.network,
            external_id=f"{EXTERNAL_PREFIX}{root.external_id}-{i}",
            author_id=f"pileon-demo-{i}",
            author_handle=f"pileon_demo{i}",
            text=text,
            created_at=start + timedelta(seconds=every_s * i),
            in_reply_to=root.external_id,
            author_followers=150 + 97 * i,
            channel=root.channel,
        )
        for i, text in enumerate(REPLIES)
    ]


def stage_pileon(runtime: Runtime, stop: threading.Event, delay_s: float = 60.0, every_s: float = 6.0) -> int:
    """Wait `delay_s`, then send the replies live, one every `every_s` seconds; returns how many were sent."""
    if stop.wait(delay_s):
        return 0
    root = pick_complaint(runtime)
    if root is None:
        return 0
    sent = 0
    for reply in pileon_replies(root, runtime.clock.now(), every_s):
        # Stamped with the moment it is sent, as a listener would: the radar reads event time.
        append_posts(runtime.log, [replace(reply, created_at=runtime.clock.now())])
        sent += 1
        if stop.wait(every_s):
            break
    return sent
