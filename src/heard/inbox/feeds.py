"""Where the inbox's posts come from when no configured channel names them: a replay or an import (the demo's
twcs replay, `heard import`). The channels page lists them beside the configured channels, with a health read
from what they delivered lately: a replay has no network to fail, so "healthy" means posts are arriving."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from heard.channels.models import Channel
from heard.clock import as_utc
from heard.conversations.models import PostRecord

#: A feed that delivered a post this recently counts as live.
LIVE_WITHIN = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Feed:
    name: str
    network: str
    posts: int
    last_post_at: datetime
    health: str
    detail: str


def unconfigured_feeds(session: Session, now: datetime) -> list[Feed]:
    """Post sources with no channel row, most recent first; health "ok" while posts arrive, else "idle"."""
    configured = select(Channel.name)
    rows = session.execute(
        select(PostRecord.channel, PostRecord.network, func.count(), func.max(PostRecord.ingested_at))
        .where(PostRecord.channel.is_not(None), PostRecord.channel.not_in(configured))
        .group_by(PostRecord.channel, PostRecord.network)
        .order_by(func.max(PostRecord.ingested_at).desc())
        .limit(20)
    ).all()
    feeds = []
    for name, network, count, last in rows:
        last_at = as_utc(last)
        live = now - last_at <= LIVE_WITHIN
        detail = f"replay/import of {network} posts; {count} stored, the last at {last_at:%H:%M:%S} UTC"
        feeds.append(Feed(str(name), str(network), int(count), last_at, "ok" if live else "idle", detail))
    return feeds
