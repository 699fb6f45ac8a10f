"""The HTTP API, version 1, for team tools: rules (admins), tags on conversations (agents), saved replies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from heard.app import Runtime
from heard.audit.trail import Actor
from heard.inbox.tags import tag_conversations
from heard.rules.conditions import Conditions
from heard.rules.engine import preview
from heard.rules.manage import create_rule, delete_rule, list_rules, update_rule
from heard.rules.models import Rule
from heard.rules.tags import tag_counts
from heard.web.api_auth import ApiAdmin, ApiWorker, Caller
from heard.web.deps import get_runtime

router = APIRouter(prefix="/api/v1", tags=["team"])
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
Id = Annotated[int, Path(ge=1, lt=2**63)]


class RuleIn(BaseModel):
    name: str = Field(min_length=1, max_length=128)
    #: docs/rules.md: keywords, networks, brands, complaint, sentiments, topics, intents, incident, min_followers,
    #: languages, min_urgency.
    conditions: dict[str, Any]
    #: tags, team_id, priority, snooze_hours, notify.
    actions: dict[str, Any]
    enabled: bool = True


class RulePatch(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=128)
    conditions: dict[str, Any] | None = None
    actions: dict[str, Any] | None = None
    enabled: bool | None = None


class RuleOut(BaseModel):
    id: int
    name: str
    enabled: bool
    conditions: dict[str, Any]
    actions: dict[str, Any]
    matched: int
    last_matched_at: datetime | None


class PreviewIn(BaseModel):
    conditions: dict[str, Any]


class PreviewOut(BaseModel):
    matched: int
    conversations: int
    seen: int
    since: datetime | None
    until: datetime | None
    capped: bool
    samples: list[str]


class TagsIn(BaseModel):
    add: list[str] = Field(default_factory=list, max_length=20)
    remove: list[str] = Field(default_factory=list, max_length=20)


def _out(rule: Rule) -> RuleOut:
    return RuleOut(
        id=rule.id,
        name=rule.name,
        enabled=rule.enabled,
        conditions=rule.conditions,
        actions=rule.actions,
        matched=rule.matched,
        last_matched_at=rule.last_matched_at,
    )


@router.get("/rules")
def rules(runtime: RuntimeDep, me: ApiAdmin) -> list[RuleOut]:
    with runtime.sessions() as session:
        return [_out(r) for r in list_rules(session)]


@router.post("/rules", status_code=201)
def new_rule(body: RuleIn, runtime: RuntimeDep, me: ApiAdmin) -> RuleOut:
    actor, now = Actor(me.id, me.email), runtime.clock.now()
    with runtime.sessions.begin() as session:
        rule = create_rule(session, body.name, body.conditions, body.actions, by=actor, now=now)
        if not body.enabled:
            update_rule(session, rule.id, by=actor, now=now, enabled=False)
        return _out(rule)


@router.post("/rules/preview")
def preview_rule(body: PreviewIn, runtime: RuntimeDep, me: ApiAdmin) -> PreviewOut:
    """How many customer posts of the recent week the conditions would have matched (nothing is saved)."""
    with runtime.sessions() as session:
        found = preview(session, Conditions.from_json(body.conditions))
    return PreviewOut(**found.__dict__)


@router.patch("/rules/{rule_id}")
def change_rule(rule_id: Id, body: RulePatch, runtime: RuntimeDep, me: ApiAdmin) -> RuleOut:
    with runtime.sessions.begin() as session:
        rule = update_rule(
            session,
            rule_id,
            by=Actor(me.id, me.email),
            now=runtime.clock.now(),
            name=body.name,
            conditions=body.conditions,
            actions=body.actions,
            enabled=body.enabled,
        )
        return _out(rule)


@router.delete("/rules/{rule_id}", status_code=204)
def remove_rule(rule_id: Id, runtime: RuntimeDep, me: ApiAdmin) -> None:
    with runtime.sessions.begin() as session:
        delete_rule(session, rule_id, by=Actor(me.id, me.email), now=runtime.clock.now())


@router.get("/tags")
def tags(runtime: RuntimeDep, me: Caller) -> dict[str, int]:
    """Every tag in use with how many conversations carry it."""
    with runtime.sessions() as session:
        return dict(tag_counts(session))


@router.post("/conversations/{conversation_id}/tags")
def tag(conversation_id: Id, body: TagsIn, runtime: RuntimeDep, me: ApiWorker) -> list[str]:
    """Add and remove tags; answers the conversation's tags afterwards."""
    with runtime.sessions.begin() as session:
        found = tag_conversations(
            session, [conversation_id], add=body.add, remove=body.remove, by=me, now=runtime.clock.now()
        )
    return found.get(conversation_id, [])
