"""The HTTP API, version 1, beyond the inbox: incidents, alerts, the outcome report, pushing posts in (for a
network Heard has no connector for), and the API's own OpenAPI schema."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse

from heard.alerts.queries import recent_alerts
from heard.app import Runtime
from heard.connectors.replay.formats import read_text
from heard.errors import BadInput, HeardError
from heard.inbox.sla import SlaTargets
from heard.incidents.queries import list_incidents
from heard.posts import RawPost
from heard.reports.outcomes import as_json, outcome_report
from heard.reports.period import parse_day
from heard.web.api_auth import ApiAdmin, Caller
from heard.web.deps import get_runtime
from heard.web.intake import take_posts
from heard.web.routes import api, api_admin, api_team

router = APIRouter(prefix="/api/v1", tags=["data"])
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
#: One push of posts: big enough for a minute of a busy brand, small enough to hold in memory.
MAX_PUSH_BYTES = 5_000_000


class PushResult(BaseModel):
    #: Lines that became posts on the log (a post already there is counted as taken and stored once).
    taken: int
    #: Lines that could not become posts: each is kept as a dead letter with its reason.
    set_aside: int
    reasons: list[str]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


@router.get("/incidents")
def incidents(
    runtime: RuntimeDep,
    me: Caller,
    status: Annotated[str | None, Query(max_length=16)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, list[dict[str, Any]]]:
    """Live incidents, most posts first."""
    with runtime.sessions() as session:
        rows = list_incidents(session, status or None, 1, limit)
    return {"incidents": [{k: _plain(v) for k, v in asdict(row).items()} for row in rows]}


@router.get("/alerts")
def alerts(
    runtime: RuntimeDep,
    me: Caller,
    status: Annotated[str | None, Query(max_length=16)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, list[dict[str, Any]]]:
    """What the radar raised, newest first, with the evidence and the posts behind each alert."""
    keep = ("id", "kind", "series_key", "severity", "observed", "expected", "status", "conversation_id")
    with runtime.sessions() as session:
        found = [
            {
                **{name: getattr(a, name) for name in keep},
                "incident_id": a.incident_id,
                "started_at": _plain(a.started_at),
                "created_at": _plain(a.created_at),
                "evidence": a.evidence,
                "post_keys": list(a.post_keys or []),
            }
            for a in recent_alerts(session, limit, status or None)
        ]
    return {"alerts": found}


@router.get("/reports/outcomes")
def outcomes(
    runtime: RuntimeDep,
    me: Caller,
    since: Annotated[str | None, Query(max_length=10)] = None,
    until: Annotated[str | None, Query(max_length=10)] = None,
) -> dict[str, Any]:
    """The outcome report (the same figures as /reports and `heard report --json`)."""
    with runtime.sessions() as session:
        try:
            first, last = parse_day(since, "since"), parse_day(until, "until")
            found = outcome_report(session, runtime.clock.now(), SlaTargets().first_response_s, first, last)
        except HeardError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from exc
    return as_json(found)


@router.post(
    "/posts",
    status_code=202,
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "Posts in Heard's JSONL format: one JSON object a line (docs/formats.md).",
            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
        }
    },
)
async def push_posts(request: Request, runtime: RuntimeDep, me: ApiAdmin) -> PushResult:
    """Posts in Heard's JSONL format (one JSON object a line, docs/formats.md) onto the event log, where the
    pipeline takes them like any connector's. Bad lines become dead letters; the good ones go on. Needs an
    admin's token: pushed posts enter every inbox."""
    body = await request.body()
    if len(body) > MAX_PUSH_BYTES:
        raise HTTPException(status_code=413, detail=f"at most {MAX_PUSH_BYTES} bytes a push; split it")
    text = body.decode("utf-8", errors="replace")
    return await run_in_threadpool(_push, runtime, text, f"api:{me.email}")


def _push(runtime: Runtime, text: str, source: str) -> PushResult:
    posts: list[RawPost] = []
    bad: list[BadInput] = []
    for row in read_text(text, "jsonl"):
        if isinstance(row, BadInput):
            bad.append(row)
        else:
            posts.append(row)
    take_posts(runtime, posts, bad, "api", source)
    return PushResult(taken=len(posts), set_aside=len(bad), reasons=[b.reason for b in bad[:20]])


def _api_routes() -> list[Any]:
    """Every API router's routes, for the schema."""
    return [*api.router.routes, *router.routes, *api_admin.router.routes, *api_team.router.routes]


@router.get("/openapi.json", include_in_schema=False)
def schema() -> JSONResponse:
    """The API's schema (no token needed: it describes, it does not reveal)."""
    return JSONResponse(api_schema())


def api_schema() -> dict[str, Any]:
    """The OpenAPI document: every operation needs the bearer token and declares the errors it can answer."""
    document = get_openapi(title="Heard API", version="1", routes=_api_routes())
    components = document.setdefault("components", {})
    components.setdefault("securitySchemes", {})["bearer"] = {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token from `heard token create` (heard_...).",
    }
    components.setdefault("schemas", {})["Error"] = {
        "type": "object",
        "properties": {"detail": {"description": "Why, in words (a list of problems for a 422)."}},
        "required": ["detail"],
    }
    document["security"] = [{"bearer": []}]
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, why in _errors(path, method):
                responses.setdefault(status, _error_response(why))
    return document


def _errors(path: str, method: str) -> list[tuple[str, str]]:
    errors = [
        ("400", "The request or a value in it was refused, with the reason."),
        ("401", "No token, or a token that is unknown or revoked."),
        ("403", "The token's agent lacks the role this needs."),
        ("429", "Too many requests for this token (HEARD_API_REQUESTS_PER_MIN); see Retry-After."),
    ]
    if "{" in path:
        errors.append(("404", "No such record."))
    if method == "post":
        errors.append(("409", "The record changed or is in a state that does not allow this."))
        errors.append(("413", "The request body is larger than this endpoint takes."))
    return errors


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
