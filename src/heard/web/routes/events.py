"""GET /events: the SSE stream pages subscribe to (see heard.web.sse); POST .../typing feeds presence."""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Depends, Header, Query, Request
from starlette.responses import Response, StreamingResponse

from heard.app import Runtime
from heard.events import EVENTS_TOPIC
from heard.inbox.presence import mark_typing
from heard.web.auth import Me, Worker
from heard.web.deps import get_runtime
from heard.web.page_cache import shows_on_no_page
from heard.web.presence import ConversationPresence
from heard.web.sse import SharedTail, event_stream, start_offset

router = APIRouter()
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


@router.get("/events")
async def events(
    request: Request,
    runtime: RuntimeDep,
    me: Me,
    after: Annotated[int | None, Query(ge=0)] = None,
    conversation: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    last_event_id: Annotated[str | None, Header(max_length=32)] = None,
) -> StreamingResponse:
    head = await to_thread.run_sync(runtime.log.head, EVENTS_TOPIC)
    tail: SharedTail = request.app.state.sse_tail
    await to_thread.run_sync(tail.start)
    presence = None
    if conversation is not None:
        presence = ConversationPresence(runtime, request.app.state.templates, conversation, me)
    stream = event_stream(
        runtime.log,
        start_offset(last_event_id, after, head),
        request.app.state.closing,
        conversation,
        request.app.state.stream_options,
        presence,
        request.app.state.sse_tail,
    )
    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream, media_type="text/event-stream", headers=headers)


@router.post("/conversations/{conversation_id}/typing", status_code=204)
def typing(conversation_id: int, runtime: RuntimeDep, me: Worker) -> Response:
    """The note box sends this (throttled) while an agent types; colleagues' pages warn within a second."""
    with runtime.sessions.begin() as session:
        shows_on_no_page(session)
        mark_typing(session, conversation_id, me.id, runtime.clock.now())
    return Response(status_code=204)
