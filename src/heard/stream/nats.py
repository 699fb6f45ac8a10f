"""The distributed event log: NATS JetStream (nats-py), behind the same sync interface as the SQL log.

Mapping: a topic is a stream (`<prefix>_<topic>` with `.` -> `_`) on subject `<prefix>.<topic>`; an offset is
the stream sequence; a consumer group is a durable pull consumer with explicit acks and `ack_wait`; dedupe is
JetStream's `Nats-Msg-Id` within the stream's duplicate window (`dedupe_window_s`, default 2 hours; the
pipeline's own dedupe against the store covers anything older). `read` walks the stream with direct gets, so
replay needs no consumer state. nats-py is asyncio; one event-loop thread per log serves the sync calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
from collections.abc import Coroutine, Iterable, Sequence
from typing import Any, TypeVar

from heard.errors import MissingExtra
from heard.stream.base import OutMessage, Record

try:
    import nats
    from nats.errors import TimeoutError as NatsTimeout
    from nats.js import api
    from nats.js.errors import NotFoundError
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise MissingExtra("the NATS event log needs nats-py: pip install 'heard[nats]'") from exc

T = TypeVar("T")
_NAME = re.compile(r"[^A-Za-z0-9_-]")


#: How long a batch's ack confirmations may take, all together (below `_run`'s 30 s bound on any log call).
ACK_CONFIRM_S = 20.0


class NatsLog:
    def __init__(
        self,
        url: str = "nats://127.0.0.1:4222",
        prefix: str = "heard",
        ack_wait_s: float = 30.0,
        dedupe_window_s: float = 7200.0,
        fetch_timeout_s: float = 0.5,
    ) -> None:
        self._prefix = prefix
        self._ack_wait = ack_wait_s
        self._window = dedupe_window_s
        self._fetch_timeout = fetch_timeout_s
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="nats-log", daemon=True)
        self._thread.start()
        self._nc: Any = self._run(nats.connect(url, connect_timeout=5, max_reconnect_attempts=-1))
        self._js: Any = self._nc.jetstream()
        self._streams: set[str] = set()
        self._subs: dict[tuple[str, str], Any] = {}
        self._inflight: dict[tuple[str, str], dict[int, Any]] = {}

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=30)

    def stream_name(self, topic: str) -> str:
        return _NAME.sub("_", f"{self._prefix}_{topic}")

    def _subject(self, topic: str) -> str:
        return f"{self._prefix}.{topic}"

    async def _ensure_stream(self, topic: str) -> str:
        name = self.stream_name(topic)
        if name not in self._streams:
            config = api.StreamConfig(name=name, subjects=[self._subject(topic)], duplicate_window=self._window)
            await self._js.add_stream(config)
            self._streams.add(name)
        return name

    def append(self, topic: str, messages: Sequence[OutMessage]) -> list[int | None]:
        return self._run(self._append(topic, messages)) if messages else []

    async def _append(self, topic: str, messages: Sequence[OutMessage]) -> list[int | None]:
        name = await self._ensure_stream(topic)
        subject = self._subject(topic)
        # One connection keeps publish order, so publishing concurrently still assigns sequences in order.
        acks = await asyncio.gather(
            *(self._js.publish(subject, m.payload, stream=name, headers=self._headers(m)) for m in messages)
        )
        return [None if ack.duplicate else int(ack.seq) for ack in acks]

    @staticmethod
    def _headers(message: OutMessage) -> dict[str, str]:
        headers = {"Nats-Msg-Id": message.id}
        if message.key:
            headers["Heard-Key"] = message.key
        return headers

    def read(self, topic: str, after: int = 0, limit: int = 100) -> list[Record]:
        return self._run(self._read(topic, after, limit))

    async def _read(self, topic: str, after: int, limit: int) -> list[Record]:
        name = await self._ensure_stream(topic)
        out: list[Record] = []
        seq = after + 1
        while len(out) < limit:
            try:
                raw = await self._js.get_msg(name, seq=seq, next=True, subject=self._subject(topic))
            except NotFoundError:
                break
            headers = raw.headers or {}
            out.append(
                Record(
                    topic, int(raw.seq), headers.get("Nats-Msg-Id", ""), headers.get("Heard-Key", ""), raw.data or b""
                )
            )
            seq = int(raw.seq) + 1
        return out

    def consume(self, topic: str, group: str, limit: int = 100) -> list[Record]:
        return self._run(self._consume(topic, group, limit))

    async def _subscription(self, topic: str, group: str, start_after: int = 0) -> Any:
        key = (topic, group)
        if key not in self._subs:
            name = await self._ensure_stream(topic)
            config = api.ConsumerConfig(
                durable_name=group,
                ack_policy=api.AckPolicy.EXPLICIT,
                ack_wait=self._ack_wait,
                max_ack_pending=-1,
                deliver_policy=api.DeliverPolicy.BY_START_SEQUENCE if start_after else api.DeliverPolicy.ALL,
                opt_start_seq=start_after + 1 if start_after else None,
            )
            self._subs[key] = await self._js.pull_subscribe(
                self._subject(topic), durable=group, stream=name, config=config
            )
        return self._subs[key]

    async def _consume(self, topic: str, group: str, limit: int) -> list[Record]:
        sub = await self._subscription(topic, group)
        try:
            # nats-py's fetch can outlive its own timeout when a pull expires under load; bound it here too
            msgs = await asyncio.wait_for(
                sub.fetch(batch=limit, timeout=self._fetch_timeout), timeout=self._fetch_timeout + 2.0
            )
        except (TimeoutError, NatsTimeout):
            return []
        inflight = self._inflight.setdefault((topic, group), {})
        out = []
        for msg in msgs:
            meta = msg.metadata
            offset = int(meta.sequence.stream)
            inflight[offset] = msg
            headers = msg.headers or {}
            out.append(
                Record(
                    topic,
                    offset,
                    headers.get("Nats-Msg-Id", ""),
                    headers.get("Heard-Key", ""),
                    msg.data,
                    int(meta.num_delivered),
                )
            )
        return sorted(out, key=lambda r: r.offset)

    def ack(self, topic: str, group: str, offsets: Iterable[int]) -> None:
        self._run(self._ack(topic, group, list(offsets)))

    async def _ack(self, topic: str, group: str, offsets: list[int]) -> None:
        inflight = self._inflight.get((topic, group), {})
        msgs = [msg for offset in offsets if (msg := inflight.pop(offset, None)) is not None]
        # Each ack is confirmed by the server, all of them in flight at once: one after the other, a batch of
        # 500 waited for 500 round trips, a fifth of a cluster worker's time (`heard bench cluster`). The
        # confirmations of a whole batch can take longer than nats-py's 1 s default on a busy machine, and an ack
        # that times out fails the batch (redelivered after the ack wait): give them what a log call gets.
        await asyncio.gather(*(msg.ack_sync(timeout=ACK_CONFIRM_S) for msg in msgs))

    def seek(self, topic: str, group: str, after: int) -> None:
        self._run(self._seek(topic, group, after))

    async def _seek(self, topic: str, group: str, after: int) -> None:
        name = await self._ensure_stream(topic)
        sub = self._subs.pop((topic, group), None)
        if sub is not None:
            await sub.unsubscribe()
        self._inflight.pop((topic, group), None)
        with contextlib.suppress(NotFoundError):
            await self._js.delete_consumer(name, group)
        await self._subscription(topic, group, start_after=after)

    def head(self, topic: str) -> int:
        return self._run(self._head(topic))

    async def _head(self, topic: str) -> int:
        info = await self._js.stream_info(await self._ensure_stream(topic))
        return int(info.state.last_seq or 0)

    def lag(self, topic: str, group: str) -> int:
        return self._run(self._lag(topic, group))

    async def _lag(self, topic: str, group: str) -> int:
        name = await self._ensure_stream(topic)
        try:
            info = await self._js.consumer_info(name, group)
        except NotFoundError:
            stream = await self._js.stream_info(name)
            return int(stream.state.messages or 0)
        return int(info.num_pending or 0) + int(info.num_ack_pending or 0)

    def delete_streams(self) -> None:
        """Remove every stream this log created (tests, `heard` namespaces being retired)."""
        self._run(self._delete_streams())

    async def _delete_streams(self) -> None:
        for name in list(self._streams):
            with contextlib.suppress(NotFoundError):
                await self._js.delete_stream(name)
        self._streams.clear()

    def close(self) -> None:
        if self._loop.is_running():
            self._run(self._nc.close())  # every ack was synchronous, so nothing is left to flush
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
