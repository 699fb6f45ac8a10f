"""GET /events: the SSE stream pages subscribe to (see heard.web.sse)."""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Depends, Header, Query, Request
from starlette.responses import StreamingResponse

from heard.app import Runtime
from heard.events import EVENTS_TOPIC
from heard.web.deps import get_runtime
from heard.web.sse import event_stream, start_offset

router = APIRouter()


@router.get("/events")
async def events(
    request: Request,
    runtime: Annotated[Runtime, Depends(get_runtime)],
    after: Annotated[int | None, Query(ge=0)] = None,
    conversation: Annotated[int | None, Query(ge=1)] = None,
    last_event_id: Annotated[str | None, Header(max_length=32)] = None,
) -> StreamingResponse:
    head = await to_thread.run_sync(runtime.log.head, EVENTS_TOPIC)
    stream = event_stream(
        runtime.log,
        start_offset(last_event_id, after, head),
        request.app.state.closing,
        conversation,
        request.app.state.stream_options,
    )
    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream, media_type="text/event-stream", headers=headers)
