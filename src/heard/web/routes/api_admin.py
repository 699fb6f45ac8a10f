"""The HTTP API, version 1, for admins: the audit trail (JSON and CSV) and privacy requests (export, erase)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field, model_validator
from starlette.responses import Response

from heard.app import Runtime
from heard.audit.trail import Actor, entries, to_csv
from heard.privacy.requests import erase_request, export_request
from heard.web.api_auth import ApiAdmin
from heard.web.deps import get_runtime

router = APIRouter(prefix="/api/v1", tags=["admin"])
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
ActionFilter = Annotated[str | None, Query(max_length=64)]


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    actor: str
    actor_id: int | None
    action: str
    subject: str
    subject_id: str
    detail: dict[str, Any]


class AuditPage(BaseModel):
    entries: list[AuditEntryOut]
    #: Pass as `before` for the next (older) page; null on the last one.
    next_before: int | None


class PersonIn(BaseModel):
    """Who the request is about: a contact id, or a handle (on one network when `network` is given)."""

    contact_id: int | None = Field(default=None, ge=1, lt=2**63)
    handle: str | None = Field(default=None, min_length=1, max_length=256)
    network: str | None = Field(default=None, max_length=32)

    @model_validator(mode="after")
    def _named(self) -> PersonIn:
        if self.contact_id is None and not self.handle:
            raise ValueError("name a contact_id or a handle")
        return self


class ErasureOut(BaseModel):
    contact_ids: list[int]
    #: Rows changed per kind; log_records is -1 when the event log keeps its own copies (JetStream).
    counts: dict[str, int]


@router.get("/audit")
def audit(
    runtime: RuntimeDep,
    me: ApiAdmin,
    action: ActionFilter = None,
    before: Annotated[int | None, Query(ge=1, lt=2**63)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AuditPage:
    """The audit trail, newest first: who did what and when."""
    with runtime.sessions() as session:
        rows = entries(session, action=action or None, before_id=before, limit=limit)
    return AuditPage(
        entries=[AuditEntryOut(**r.to_json() | {"at": r.at}) for r in rows],
        next_before=rows[-1].id if len(rows) == limit else None,
    )


@router.get("/audit.csv", response_class=Response)
def audit_csv(
    runtime: RuntimeDep, me: ApiAdmin, action: Annotated[str | None, Query(max_length=64)] = None
) -> Response:
    """The newest 10,000 entries as CSV."""
    with runtime.sessions() as session:
        body = to_csv(entries(session, action=action or None, limit=10_000))
    return Response(body, media_type="text/csv")


@router.post("/privacy/export")
def privacy_export(body: PersonIn, runtime: RuntimeDep, me: ApiAdmin) -> dict[str, Any]:
    """Everything stored about one person (every identity) as one JSON document (docs/privacy.md)."""
    return export_request(
        runtime.sessions,
        actor=Actor(me.id, me.email),
        now=runtime.clock.now(),
        contact_id=body.contact_id,
        handle=body.handle,
        network=body.network,
    )


@router.post("/privacy/erase")
def privacy_erase(body: PersonIn, runtime: RuntimeDep, me: ApiAdmin) -> ErasureOut:
    """Erase one person from every table, the search index and the SQL event log; reports keep their counts."""
    erasure = erase_request(
        runtime.sessions,
        runtime.log,
        actor=Actor(me.id, me.email),
        now=runtime.clock.now(),
        contact_id=body.contact_id,
        handle=body.handle,
        network=body.network,
    )
    return ErasureOut(contact_ids=list(erasure.contact_ids), counts=erasure.counts)
