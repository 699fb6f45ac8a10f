"""Import an export file: read it with the replay connector's readers, put each post on the event log (its
key is the message id, so importing the same file again adds nothing), and record rows that cannot become
posts as dead letters at once. The pipeline worker does the rest."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from heard.app import Runtime
from heard.connectors.replay.connector import in_time_order, paced
from heard.connectors.replay.formats import Format, Row, read_file
from heard.errors import BadInput
from heard.ingest.actions import record_dead_letters
from heard.pipeline.stage import Rejection
from heard.posts import RawPost
from heard.stream.base import append_posts
from heard.workers.pipeline import relax_gc


@dataclass
class ImportSummary:
    """Every row read is counted once: taken (onto the log; `duplicates` of them were there already) or set
    aside as a dead letter (`new_dead_letters` of them not recorded by an earlier import of the same rows)."""

    read: int = 0
    taken: int = 0
    duplicates: int = 0
    set_aside: int = 0
    new_dead_letters: int = 0

    @property
    def accounted(self) -> bool:
        return self.taken + self.duplicates + self.set_aside == self.read

    def as_dict(self) -> dict[str, int]:
        return {
            "read": self.read,
            "taken": self.taken,
            "duplicates": self.duplicates,
            "set_aside": self.set_aside,
            "new_dead_letters": self.new_dead_letters,
        }

    def line(self) -> str:
        """What `heard import` prints: rows = taken + dead letters, said as a sum so anyone can check it."""
        return (
            f"{self.read} rows = {self.taken + self.duplicates} taken ({self.duplicates} already imported) "
            f"+ {self.set_aside} dead letters ({self.new_dead_letters} new)"
        )


@dataclass(frozen=True)
class Pace:
    """How to replay: `speed` x real time (None: as fast as possible), gaps capped at `max_gap_s` seconds,
    timestamps moved by `shift`, or set to the moment of replay with `retime`."""

    speed: float | None = None
    max_gap_s: float | None = None
    shift: timedelta = timedelta(0)
    retime: bool = False


def import_file(
    runtime: Runtime,
    path: Path,
    fmt: Format,
    pace: Pace = Pace(),
    batch_size: int = 1000,
    limit: int | None = None,
    skip: int = 0,
    on_progress: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    rows: list[Row] = in_time_order(read_file(path, fmt, channel=path.name))
    rows = rows[skip : None if limit is None else skip + limit]
    return import_rows(runtime, rows, str(path), pace, batch_size, on_progress)


def import_rows(
    runtime: Runtime,
    rows: Iterable[Row],
    source: str,
    pace: Pace = Pace(),
    batch_size: int = 1000,
    on_progress: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    relax_gc()
    summary = ImportSummary()
    pending: list[RawPost] = []
    # When pacing, each post goes out as it becomes due; otherwise in batches, for throughput.
    flush_at = 1 if pace.speed else batch_size
    for row in paced(rows, runtime.clock, pace.speed, pace.max_gap_s, pace.retime, pace.shift):
        summary.read += 1
        if isinstance(row, BadInput):
            summary.set_aside += 1
            summary.new_dead_letters += _set_aside(runtime, row, source)
            continue
        pending.append(row)
        if len(pending) >= flush_at:
            _append(runtime, pending, summary)
            pending = []
            if on_progress:
                on_progress(summary)
    _append(runtime, pending, summary)
    return summary


def _append(runtime: Runtime, posts: list[RawPost], summary: ImportSummary) -> None:
    if not posts:
        return
    offsets = append_posts(runtime.log, posts)
    taken = sum(1 for o in offsets if o is not None)
    summary.taken += taken
    summary.duplicates += len(offsets) - taken


def _set_aside(runtime: Runtime, bad: BadInput, source: str) -> int:
    with runtime.sessions.begin() as session:
        return record_dead_letters(session, [Rejection("", "import", bad.reason, bad.raw)], source, runtime.clock.now())
