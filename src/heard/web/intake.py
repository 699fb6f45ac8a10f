"""Posts that reach the web app (a network's webhook, a push to the API) onto the event log, and what could not
become a post into dead letters, so the pipeline takes them like any connector's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from heard.app import Runtime
from heard.connectors.base import Connector, ReadResult
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


def parse_delivery(connector: Connector, headers: Mapping[str, str], body: bytes) -> ReadResult:
    """The connector's reading of a signed webhook body. A body nested thousands of levels deep makes Python's
    JSON reader raise RecursionError, which no parser expects: it is one dead letter, not a server error (found
    by tests/fuzz/test_webhook_endpoints.py). A bad signature still raises, for the route to refuse."""
    try:
        return connector.parse_webhook(headers, body)
    except RecursionError:
        preview = body[:2000].decode("utf-8", errors="replace")
        return ReadResult([], None, [BadInput("webhook body is nested too deeply to read", preview)])
