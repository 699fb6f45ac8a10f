"""Replays an export as if it were arriving live, and "publishes" replies to a local JSONL outbox file."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

import httpx

from heard.clock import Clock
from heard.connectors.base import ChannelConfig, Connector, Delivery, OutgoingReply, ReadResult
from heard.connectors.registry import register
from heard.connectors.replay.formats import Format, Row, read_file
from heard.errors import BadInput
from heard.posts import RawPost


def in_time_order(rows: Iterable[Row]) -> list[Row]:
    """Posts sorted by their original time (stable); bad rows keep their place relative to the file start."""
    items = list(rows)
    posts = sorted((r for r in items if isinstance(r, RawPost)), key=lambda p: p.created_at)
    rejected = [r for r in items if isinstance(r, BadInput)]
    return [*rejected, *posts]


def paced(
    rows: Iterable[Row],
    clock: Clock,
    speed: float | None = None,
    max_gap_s: float | None = None,
    retime: bool = False,
    shift: timedelta = timedelta(0),
) -> Iterator[Row]:
    """Yield rows as they happened: the gap between two posts is divided by `speed` (None: no waiting) and
    capped at `max_gap_s` seconds of wall time. `shift` moves every timestamp by the same amount (a demo makes
    an old sample look recent); with `retime`, each post's created_at becomes the moment it is replayed, so
    waiting times and SLA timers in a live demo count from now. The order is kept either way."""
    previous: datetime | None = None
    for row in rows:
        if isinstance(row, BadInput):
            yield row
            continue
        if speed and previous is not None:
            gap = max(0.0, (row.created_at - previous).total_seconds()) / speed
            clock.sleep(min(gap, max_gap_s) if max_gap_s is not None else gap)
        previous = row.created_at
        if retime:
            yield replace(row, created_at=clock.now())
        elif shift:
            yield replace(row, created_at=row.created_at + shift)
        else:
            yield row


def warped(posts: Sequence[RawPost], speed: float, max_gap_s: float | None, end: datetime) -> list[RawPost]:
    """The posts with the times `paced(..., retime=True)` would give them, laid out to end at `end`: each gap
    divided by `speed` and capped at `max_gap_s`. A demo's first load made this way is the same stream, on the same
    clock, as the live replay that follows it, so its rates are the ones the radar will see live."""
    if not posts:
        return []
    offsets = [0.0]
    for before, after in pairwise(posts):
        gap = max(0.0, (after.created_at - before.created_at).total_seconds()) / speed
        offsets.append(offsets[-1] + (min(gap, max_gap_s) if max_gap_s is not None else gap))
    start = end - timedelta(seconds=offsets[-1])
    return [replace(p, created_at=start + timedelta(seconds=o)) for p, o in zip(posts, offsets, strict=True)]


@register
class ReplayConnector(Connector):
    """Reads a twcs CSV or Heard JSONL export; options: path, format, outbox (a JSONL file for replies)."""

    kind = "replay"
    max_chars = 10_000
    capabilities = frozenset({"read", "publish", "private"})

    def __init__(
        self, channel: ChannelConfig, *, transport: httpx.BaseTransport | None = None, clock: Clock | None = None
    ) -> None:
        super().__init__(channel, transport=transport, clock=clock)
        self.path = Path(str(channel.options["path"]))
        self.format: Format = channel.options.get("format", "twcs")
        self.outbox = Path(str(channel.options.get("outbox", "var/outbox/replies.jsonl")))

    def read(self, cursor: str | None) -> ReadResult:
        """All rows after `cursor` (a row count) in time order; the cursor moves to the end of the file."""
        start = int(cursor or 0)
        rows = in_time_order(read_file(self.path, self.format, self.channel.name))
        fresh = rows[start:]
        return ReadResult(
            posts=[r for r in fresh if isinstance(r, RawPost)],
            cursor=str(len(rows)),
            rejected=[r for r in fresh if isinstance(r, BadInput)],
        )

    def _publish(self, reply: OutgoingReply) -> Delivery:
        self.outbox.parent.mkdir(parents=True, exist_ok=True)
        external_id = f"replay-{reply.idempotency_key}"
        record = {
            "external_id": external_id,
            "in_reply_to": reply.in_reply_to,
            "recipient": reply.recipient_handle,
            "private": reply.private,
            "text": reply.text,
        }
        with self.outbox.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        return Delivery(state="sent", external_id=external_id)
