"""Create, change, switch off and delete rules; each change is in the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from heard.audit.trail import Actor, record
from heard.errors import BadInput, NotFound
from heard.rules.actions import Actions
from heard.rules.conditions import Conditions
from heard.rules.models import Rule

MAX_NAME = 128


def _name(name: str) -> str:
    value = " ".join(name.split())
    if not value or len(value) > MAX_NAME:
        raise BadInput(f"a rule needs a name of 1 to {MAX_NAME} characters")
    return value


def create_rule(
    session: Session, name: str, conditions: dict[str, Any], actions: dict[str, Any], *, by: Actor, now: datetime
) -> Rule:
    checked = Conditions.from_json(conditions)
    does = Actions.from_json(actions)
    position = (session.scalar(select(func.max(Rule.position))) or 0) + 1
    rule = Rule(
        name=_name(name),
        enabled=True,
        position=position,
        conditions=checked.to_json(),
        actions=does.to_json(),
        matched=0,
        created_at=now,
        updated_at=now,
    )
    session.add(rule)
    session.flush()
    record(
        session, by, "rule.created", "rule", rule.id, {"conditions": rule.conditions, "actions": rule.actions}, at=now
    )
    return rule


def get_rule(session: Session, rule_id: int) -> Rule:
    rule = session.get(Rule, rule_id)
    if rule is None:
        raise NotFound(f"no rule {rule_id}")
    return rule


def update_rule(
    session: Session,
    rule_id: int,
    *,
    by: Actor,
    now: datetime,
    name: str | None = None,
    conditions: dict[str, Any] | None = None,
    actions: dict[str, Any] | None = None,
    enabled: bool | None = None,
) -> Rule:
    rule = get_rule(session, rule_id)
    if name is not None:
        rule.name = _name(name)
    if conditions is not None:
        rule.conditions = Conditions.from_json(conditions).to_json()
    if actions is not None:
        rule.actions = Actions.from_json(actions).to_json()
    if enabled is not None:
        rule.enabled = enabled
    rule.updated_at = now
    session.flush()
    detail = {"conditions": rule.conditions, "actions": rule.actions, "enabled": rule.enabled}
    record(session, by, "rule.updated", "rule", rule.id, detail, at=now)
    return rule


def delete_rule(session: Session, rule_id: int, *, by: Actor, now: datetime) -> None:
    rule = get_rule(session, rule_id)
    session.delete(rule)
    session.flush()
    record(session, by, "rule.deleted", "rule", rule_id, {"name": rule.name}, at=now)


def list_rules(session: Session) -> list[Rule]:
    return list(session.scalars(select(Rule).order_by(Rule.position, Rule.id)))
