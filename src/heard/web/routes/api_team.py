"""The HTTP API, version 1, for team tools: rules and routing (admins); tags, bulk actions, saved views, saved
replies, contact merges and availability (agents); reports per agent and team (viewers)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from heard.app import Runtime
from heard.audit.trail import Actor
from heard.conversations.contacts import merge_contacts, merge_suggestions, undo_merge
from heard.errors import Forbidden
from heard.inbox.bulk import bulk_action
from heard.inbox.routing import route_waiting, set_availability, set_team_mode
from heard.inbox.saved_replies import insert_saved_reply, list_saved_replies
from heard.inbox.sla import SlaTargets
from heard.inbox.tags import tag_conversations
from heard.inbox.views import views_with_counts
from heard.reports.agents import Row, agent_report
from heard.reports.period import choose_period, parse_day
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


class BulkIn(BaseModel):
    ids: list[int] = Field(min_length=1, max_length=500)
    #: assign, unassign, tag, untag, resolve, reopen, snooze
    action: str = Field(max_length=16)
    agent_id: int | None = Field(default=None, ge=1, lt=2**63)
    tags: list[str] = Field(default_factory=list, max_length=20)
    snooze_hours: float | None = Field(default=None, gt=0, le=24 * 90)


@router.post("/conversations/bulk")
def bulk(body: BulkIn, runtime: RuntimeDep, me: ApiWorker) -> dict[str, int]:
    """One action on many conversations, all or nothing (docs/queue-tools.md)."""
    with runtime.sessions.begin() as session:
        done = bulk_action(
            session,
            body.ids,
            body.action,
            by=me,
            now=runtime.clock.now(),
            agent_id=body.agent_id,
            tags=body.tags,
            snooze_hours=body.snooze_hours,
        )
    return {"changed": done}


@router.get("/views")
def views(runtime: RuntimeDep, me: Caller) -> list[dict[str, Any]]:
    """The team's and the caller's saved views, with how many conversations each shows now."""
    with runtime.sessions() as session:
        found = views_with_counts(session, me, runtime.clock.now())
    return [{"id": v.id, "name": v.name, "shared": v.shared, "query": v.query, "count": v.count} for v in found]


@router.get("/saved-replies")
def saved_replies(runtime: RuntimeDep, me: ApiWorker) -> list[dict[str, Any]]:
    with runtime.sessions() as session:
        found = list_saved_replies(session, me)
        return [
            {"id": r.id, "shortcut": r.shortcut, "title": r.title, "body": r.body, "shared": r.owner_id is None}
            for r in found
        ]


@router.post("/conversations/{conversation_id}/saved-replies/{reply_id}")
def insert_saved(conversation_id: Id, reply_id: Id, runtime: RuntimeDep, me: ApiWorker) -> dict[str, Any]:
    """The saved reply made personal for this conversation, with the coach's review (nothing is sent)."""
    with runtime.sessions.begin() as session:
        inserted = insert_saved_reply(session, conversation_id, reply_id, me)
    return {"text": inserted.text, "review": inserted.review.to_dict()}


@router.get("/contacts/merge-suggestions")
def suggestions(runtime: RuntimeDep, me: ApiWorker) -> list[dict[str, Any]]:
    with runtime.sessions() as session:
        return [{"keep_id": s.keep_id, "other_id": s.other_id, "reason": s.reason} for s in merge_suggestions(session)]


class MergeIn(BaseModel):
    into_id: int = Field(ge=1, lt=2**63)
    from_id: int = Field(ge=1, lt=2**63)
    reason: str = Field(default="", max_length=64)


@router.post("/contacts/merges", status_code=201)
def merge(body: MergeIn, runtime: RuntimeDep, me: ApiWorker) -> dict[str, Any]:
    with runtime.sessions.begin() as session:
        done = merge_contacts(
            session, body.into_id, body.from_id, by=Actor(me.id, me.email), now=runtime.clock.now(), reason=body.reason
        )
        return {"id": done.id, "conversation_ids": done.conversation_ids}


@router.post("/contacts/merges/{merge_id}/undo")
def unmerge(merge_id: Id, runtime: RuntimeDep, me: ApiWorker) -> dict[str, Any]:
    with runtime.sessions.begin() as session:
        done = undo_merge(session, merge_id, by=Actor(me.id, me.email), now=runtime.clock.now())
        return {"id": done.id, "undone_at": done.undone_at}


class AvailabilityIn(BaseModel):
    away: bool | None = None
    #: null with `clear_capacity` true: no limit.
    capacity: int | None = Field(default=None, ge=0, le=10_000)
    clear_capacity: bool = False


@router.post("/agents/{agent_id}/availability")
def availability(agent_id: Id, body: AvailabilityIn, runtime: RuntimeDep, me: ApiWorker) -> dict[str, Any]:
    """An agent sets their own availability; an admin sets anyone's. Going away hands their conversations back."""
    if agent_id != me.id and not me.can("admin"):
        raise Forbidden("only an admin changes another agent's availability")
    now = runtime.clock.now()
    with runtime.sessions.begin() as session:
        moved = set_availability(
            session,
            agent_id,
            by=Actor(me.id, me.email),
            now=now,
            away=body.away,
            capacity=body.capacity,
            clear_capacity=body.clear_capacity,
        )
        route_waiting(session, now)
    return {"reassigned": moved}


class RoutingIn(BaseModel):
    mode: str = Field(max_length=16)


@router.post("/teams/{team_id}/routing")
def team_routing(team_id: Id, body: RoutingIn, runtime: RuntimeDep, me: ApiAdmin) -> dict[str, str]:
    with runtime.sessions.begin() as session:
        set_team_mode(session, team_id, body.mode, Actor(me.id, me.email), runtime.clock.now())
        route_waiting(session, runtime.clock.now())
    return {"mode": body.mode}


@router.get("/reports/agents")
def agents_report(
    runtime: RuntimeDep,
    me: Caller,
    since: Annotated[str | None, Query(max_length=10)] = None,
    until: Annotated[str | None, Query(max_length=10)] = None,
) -> dict[str, Any]:
    """Per agent and per team, for the period and per day (docs/reports.md)."""
    with runtime.sessions() as session:
        period = choose_period(session, runtime.clock.now(), parse_day(since, "since"), parse_day(until, "until"))
        found = agent_report(session, period, SlaTargets().first_response_s)

    def rows(table: list[Row]) -> list[dict[str, Any]]:
        return [
            {"name": r.who, "id": r.who_id, "day": r.day.isoformat() if r.day else None, **r.figures} for r in table
        ]

    return {
        "since": period.since.date().isoformat(),
        "until": period.days[-1].isoformat(),
        "agents": rows(found.agents),
        "teams": rows(found.teams),
        "agents_by_day": rows(found.agents_by_day),
        "teams_by_day": rows(found.teams_by_day),
    }
