"""The demo's staged pile-on: a dozen invented replies onto the newest real complaint raise one pile-on alert
and put that thread at the top of the inbox."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from heard.alerts.models import Alert
from heard.app import Runtime, build_runtime
from heard.clock import FrozenClock
from heard.commands.demo import sample_path
from heard.inbox.queries import InboxFilter, list_conversations
from heard.settings import Settings
from heard.workers.importer import import_file
from heard.workers.pipeline import PipelineWorker
from heard.workers.staged_pileon import REPLIES, pick_complaint, stage_pileon


@pytest.fixture
def runtime(tmp_path, clock: FrozenClock) -> Iterator[Runtime]:  # type: ignore[no-untyped-def]
    rt = build_runtime(Settings(database_url=f"sqlite:///{tmp_path}/demo.db", _env_file=None), clock=clock)
    yield rt
    rt.close()


def test_an_empty_inbox_stages_nothing(runtime: Runtime) -> None:
    assert pick_complaint(runtime) is None
    assert stage_pileon(runtime, threading.Event(), delay_s=0, every_s=0) == 0


def test_a_stopped_demo_stages_nothing(runtime: Runtime) -> None:
    stop = threading.Event()
    stop.set()
    assert stage_pileon(runtime, stop, delay_s=5, every_s=0) == 0


def test_the_staged_pileon_raises_one_alert_on_a_real_complaint(runtime: Runtime, clock: FrozenClock) -> None:
    import_file(runtime, sample_path(), "twcs", limit=1000)
    worker = PipelineWorker(runtime)
    worker.drain()
    root = pick_complaint(runtime)
    assert root is not None
    assert (root.complaint or 0) >= 0.7
    with runtime.sessions() as session:
        before = set(session.scalars(select(Alert.id)))

    assert stage_pileon(runtime, threading.Event(), delay_s=0, every_s=0) == len(REPLIES)
    worker.drain()
    with runtime.sessions() as session:
        new = [a for a in session.scalars(select(Alert)) if a.id not in before]
        pileons = [a for a in new if a.kind == "pileon"]
        assert [a.series_key for a in pileons] == [f"thread:{root.network}:{root.external_id}"]
        assert pileons[0].evidence["new_authors"] >= 5
        top = list_conversations(session, InboxFilter(status="open")).conversations[0]
        assert top.id == root.conversation_id
