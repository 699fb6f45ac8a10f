"""Posts that reach the web app (a network's webhook, a push to the API) onto the event log, and what could not
become a post into dead letters, so the pipeline takes them like any connector's."""

from __future__ import annotations

from collections.abc import Sequence

from heard.app import Runtime
from heard.errors import BadInput
from heard.ingest.actions import record_dead_letters
from heard.pipeline.stage import Rejection
from heard.posts import RawPost
from heard.stream.base import append_posts


def take_posts(
    runtime: Runtime, posts: Sequence[RawPost], rejected: Sequence[BadInput], stage: str, source: str
) -> None:
    append_posts(runtime.log, posts)
    if rejected:
        with runtime.sessions.begin() as session:
            rejections = [Rejection("", stage, bad.reason, bad.raw) for bad in rejected]
            record_dead_letters(session, rejections, source, runtime.clock.now())
