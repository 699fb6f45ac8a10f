"""An inbox's working rules, set by a lead: the SLA targets (first and next response) and the coach score below
which a draft waits for a lead's approval. The columns live on `channels.Inbox`; this is the action that checks
and changes them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.channels.models import Inbox
from heard.errors import NotFound, Refused

#: Targets below a minute or above a week are typing mistakes, not service levels.
MIN_TARGET_S = 60
MAX_TARGET_S = 7 * 24 * 3600


class SettingsProblem(Refused):
    """The settings cannot be saved as given; the message says which and why."""


@dataclass(frozen=True, slots=True)
class InboxRules:
    inbox_id: int
    name: str
    first_response_min: int
    next_response_min: int
    approval_below: int | None


def list_inbox_rules(session: Session) -> list[InboxRules]:
    return [
        InboxRules(i.id, i.name, i.sla_first_response_s // 60, i.sla_next_response_s // 60, i.coach_approval_below)
        for i in session.scalars(select(Inbox).order_by(Inbox.name))
    ]


def set_inbox_rules(
    session: Session, inbox_id: int, first_response_min: int, next_response_min: int, approval_below: int | None
) -> InboxRules:
    inbox = session.get(Inbox, inbox_id)
    if inbox is None:
        raise NotFound(f"no inbox {inbox_id}")
    for label, minutes in (("first response", first_response_min), ("next response", next_response_min)):
        if not MIN_TARGET_S <= minutes * 60 <= MAX_TARGET_S:
            raise SettingsProblem(f"the {label} target must be between 1 minute and 7 days")
    if approval_below is not None and not 1 <= approval_below <= 100:
        raise SettingsProblem("the approval threshold is a coach score from 1 to 100 (empty: no approval)")
    inbox.sla_first_response_s = first_response_min * 60
    inbox.sla_next_response_s = next_response_min * 60
    inbox.coach_approval_below = approval_below
    session.flush()
    return InboxRules(inbox.id, inbox.name, first_response_min, next_response_min, approval_below)
