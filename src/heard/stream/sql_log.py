"""The embedded event log: three tables in Heard's own database (SQLite by default, PostgreSQL too).

On PostgreSQL, appends to one topic take a transaction-scoped advisory lock, so offsets become visible in
order and a consumer reading "after N" never skips a record that commits late. Appends on SQLite are already
serialised by its single writer.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
    bindparam,
    delete,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from heard.clock import Clock, SystemClock
from heard.db.base import Base, UTCDateTime
from heard.db.bulk import insert_many
from heard.stream.base import ERASED_PAYLOAD, OutMessage, Record, payload_holds

_Offset = BigInteger().with_variant(Integer, "sqlite")


class LogRecord(Base):
    __tablename__ = "log_records"
    __table_args__ = (
        UniqueConstraint("topic", "msg_id"),
        Index("ix_log_records_topic_offset", "topic", "offset"),
    )
    offset: Mapped[int] = mapped_column(_Offset, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(128))
    msg_id: Mapped[str] = mapped_column(String(256))
    key: Mapped[str] = mapped_column(String(256), default="")
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    appended_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LogConsumer(Base):
    __tablename__ = "log_consumers"
    topic: Mapped[str] = mapped_column(String(128), primary_key=True)
    group: Mapped[str] = mapped_column(String(128), primary_key=True)
    fetched_upto: Mapped[int] = mapped_column(_Offset, default=0)


class LogPending(Base):
    __tablename__ = "log_pending"
    topic: Mapped[str] = mapped_column(String(128), primary_key=True)
    group: Mapped[str] = mapped_column(String(128), primary_key=True)
    offset: Mapped[int] = mapped_column(_Offset, primary_key=True)
    delivered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deliveries: Mapped[int] = mapped_column(Integer, default=1)


_records = cast(Table, LogRecord.__table__)
_consumers = cast(Table, LogConsumer.__table__)
_pending = cast(Table, LogPending.__table__)


#: Built once: every workspace page asks for the events topic's head (heard.web.page_cache) before anything else.
_HEAD = select(func.max(_records.c.offset)).where(_records.c.topic == bindparam("topic"))


class SqlLog:
    def __init__(self, engine: Engine, clock: Clock | None = None, ack_wait_s: float = 30.0) -> None:
        self._engine = engine
        self._clock = clock or SystemClock()
        self._ack_wait = timedelta(seconds=ack_wait_s)
        self._pg = engine.dialect.name == "postgresql"

    def _insert(self, table: Any) -> Any:
        return (postgresql.insert(table) if self._pg else sqlite.insert(table)).on_conflict_do_nothing()

    def append(self, topic: str, messages: Sequence[OutMessage]) -> list[int | None]:
        if not messages:
            return []
        now = self._clock.now()
        rows = [
            {"topic": topic, "msg_id": m.id, "key": m.key, "payload": m.payload, "appended_at": now} for m in messages
        ]
        with self._engine.begin() as conn:
            if self._pg:
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": zlib.crc32(topic.encode())})
            result = insert_many(conn, _records, rows, returning=("offset", "msg_id"), skip_conflicts=True)
            offsets = {msg_id: offset for offset, msg_id in result}
        out: list[int | None] = []
        for message in messages:
            out.append(offsets.pop(message.id, None))
        return out

    def read(self, topic: str, after: int = 0, limit: int = 100) -> list[Record]:
        with self._engine.connect() as conn:
            return self.read_in(conn, topic, after, limit)

    def consume(self, topic: str, group: str, limit: int = 100) -> list[Record]:
        now = self._clock.now()
        with self._engine.begin() as conn:
            fetched_upto = self._lock_group(conn, topic, group)
            out = self._redeliver(conn, topic, group, now, limit)
            if len(out) < limit:
                fresh = self.read_in(conn, topic, fetched_upto, limit - len(out))
                if fresh:
                    insert_many(
                        conn,
                        _pending,
                        [
                            {
                                "topic": topic,
                                "group": group,
                                "offset": r.offset,
                                "delivered_at": now,
                                "deliveries": 1,
                            }
                            for r in fresh
                        ],
                    )
                    conn.execute(
                        update(_consumers)
                        .where(_consumers.c.topic == topic, _consumers.c.group == group)
                        .values(fetched_upto=fresh[-1].offset)
                    )
                out.extend(fresh)
        return out

    def _lock_group(self, conn: Connection, topic: str, group: str) -> int:
        conn.execute(self._insert(_consumers), {"topic": topic, "group": group, "fetched_upto": 0})
        query = select(_consumers.c.fetched_upto).where(_consumers.c.topic == topic, _consumers.c.group == group)
        if self._pg:
            query = query.with_for_update()
        return int(conn.execute(query).scalar_one())

    def _redeliver(self, conn: Connection, topic: str, group: str, now: datetime, limit: int) -> list[Record]:
        due = conn.execute(
            select(_pending.c.offset, _pending.c.deliveries)
            .where(
                _pending.c.topic == topic,
                _pending.c.group == group,
                _pending.c.delivered_at <= now - self._ack_wait,
            )
            .order_by(_pending.c.offset)
            .limit(limit)
        ).all()
        if not due:
            return []
        deliveries = {offset: count + 1 for offset, count in due}
        conn.execute(
            update(_pending)
            .where(_pending.c.topic == topic, _pending.c.group == group, _pending.c.offset.in_(deliveries))
            .values(delivered_at=now, deliveries=_pending.c.deliveries + 1)
        )
        rows = conn.execute(
            select(_records.c.offset, _records.c.msg_id, _records.c.key, _records.c.payload)
            .where(_records.c.offset.in_(deliveries))
            .order_by(_records.c.offset)
        )
        return [Record(topic, o, i, k, bytes(p), deliveries[o]) for o, i, k, p in rows]

    @staticmethod
    def read_in(conn: Connection, topic: str, after: int, limit: int) -> list[Record]:
        rows = conn.execute(
            select(_records.c.offset, _records.c.msg_id, _records.c.key, _records.c.payload)
            .where(_records.c.topic == topic, _records.c.offset > after)
            .order_by(_records.c.offset)
            .limit(limit)
        )
        return [Record(topic, o, i, k, bytes(p)) for o, i, k, p in rows]

    def ack(self, topic: str, group: str, offsets: Iterable[int]) -> None:
        chosen = list(offsets)
        if not chosen:
            return
        with self._engine.begin() as conn:
            for start in range(0, len(chosen), 5000):
                conn.execute(
                    delete(_pending).where(
                        _pending.c.topic == topic,
                        _pending.c.group == group,
                        _pending.c.offset.in_(chosen[start : start + 5000]),
                    )
                )

    def seek(self, topic: str, group: str, after: int) -> None:
        with self._engine.begin() as conn:
            self._lock_group(conn, topic, group)
            conn.execute(delete(_pending).where(_pending.c.topic == topic, _pending.c.group == group))
            conn.execute(
                update(_consumers)
                .where(_consumers.c.topic == topic, _consumers.c.group == group)
                .values(fetched_upto=after)
            )

    def head(self, topic: str) -> int:
        with self._engine.connect() as conn:
            value = conn.execute(_HEAD, {"topic": topic}).scalar()
        return int(value or 0)

    def lag(self, topic: str, group: str) -> int:
        with self._engine.connect() as conn:
            fetched = conn.execute(
                select(_consumers.c.fetched_upto).where(_consumers.c.topic == topic, _consumers.c.group == group)
            ).scalar()
            new = conn.execute(
                select(func.count())
                .select_from(_records)
                .where(_records.c.topic == topic, _records.c.offset > (fetched or 0))
            ).scalar_one()
            pending = conn.execute(
                select(func.count()).select_from(_pending).where(_pending.c.topic == topic, _pending.c.group == group)
            ).scalar_one()
        return int(new) + int(pending)

    def prune(self, older_than: datetime) -> dict[str, int]:
        """Delete records appended before `older_than` that every consumer group of their topic has fetched and
        acknowledged; returns how many went, per topic. The newest record of each topic always stays, so offsets
        keep growing (SQLite would otherwise hand out a deleted offset again) and `head` does not move. Dedupe by
        message id holds within what is kept: the pipeline's own dedupe (by post key) covers older repeats."""
        removed: dict[str, int] = {}
        with self._engine.begin() as conn:
            topics = [t for (t,) in conn.execute(select(_records.c.topic).distinct())]
            for topic in topics:
                newest = conn.execute(select(func.max(_records.c.offset)).where(_records.c.topic == topic)).scalar()
                fetched = conn.execute(
                    select(func.min(_consumers.c.fetched_upto)).where(_consumers.c.topic == topic)
                ).scalar()
                limit = min(int(newest or 0) - 1, int(fetched) if fetched is not None else int(newest or 0))
                waiting = select(_pending.c.offset).where(_pending.c.topic == topic)
                result = conn.execute(
                    delete(_records).where(
                        _records.c.topic == topic,
                        _records.c.appended_at < older_than,
                        _records.c.offset <= limit,
                        _records.c.offset.not_in(waiting),
                    )
                )
                removed[topic] = int(result.rowcount or 0)
        return removed

    def erase_matching(self, needles: Sequence[str]) -> int:
        """Replace the payload of every record that holds one of `needles` (a person's handles, names, words)
        with `ERASED_PAYLOAD`; offsets and ids stay, so consumers and dedupe go on. Returns how many changed."""
        lowered = [n.lower() for n in needles if n]
        if not lowered:
            return 0
        hits: list[int] = []
        after = 0
        with self._engine.connect() as conn:
            while True:
                rows = conn.execute(
                    select(_records.c.offset, _records.c.payload)
                    .where(_records.c.offset > after)
                    .order_by(_records.c.offset)
                    .limit(2000)
                ).all()
                if not rows:
                    break
                hits.extend(o for o, p in rows if bytes(p) != ERASED_PAYLOAD and payload_holds(bytes(p), lowered))
                after = rows[-1][0]
        with self._engine.begin() as conn:
            for start in range(0, len(hits), 5000):
                conn.execute(
                    update(_records)
                    .where(_records.c.offset.in_(hits[start : start + 5000]))
                    .values(payload=ERASED_PAYLOAD)
                )
        return len(hits)

    def groups(self) -> list[GroupState]:
        """Every consumer group of every topic, with how far behind it is: a group nobody runs any more shows a
        lag that only grows, and holds back `prune` for its topic until it is dropped."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(_consumers.c.topic, _consumers.c.group, _consumers.c.fetched_upto).order_by(
                    _consumers.c.topic, _consumers.c.group
                )
            ).all()
        states = []
        for topic, group, fetched in rows:
            waiting = select(func.count()).select_from(_pending)
            with self._engine.connect() as conn:
                pending = conn.execute(waiting.where(_pending.c.topic == topic, _pending.c.group == group)).scalar_one()
            lag = self.lag(topic, group)
            states.append(GroupState(topic, group, int(fetched or 0), self.head(topic), lag, int(pending)))
        return states

    def drop_group(self, topic: str, group: str) -> bool:
        """Forget a consumer group (its position and unacknowledged records); False when there was none. A
        process that still uses the name starts again from the beginning of what is kept."""
        with self._engine.begin() as conn:
            conn.execute(delete(_pending).where(_pending.c.topic == topic, _pending.c.group == group))
            result = conn.execute(delete(_consumers).where(_consumers.c.topic == topic, _consumers.c.group == group))
        return bool(result.rowcount)

    def close(self) -> None:
        return None


@dataclass(frozen=True, slots=True)
class GroupState:
    topic: str
    group: str
    fetched_upto: int
    head: int
    lag: int
    pending: int
