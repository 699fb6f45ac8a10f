"""An inbox's working rules, set by a lead: the SLA targets (first and next response), the business hours they
count (none: around the clock) and the coach score below which a draft waits for a lead's approval. The columns
live on `channels.Inbox`; this is the action that checks and changes them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.channels.models import Inbox
from heard.channels.sla_clock import BusinessHours, BusinessHoursProblem, stored_hours
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
    #: None: the targets run around the clock.
    hours: BusinessHours | None = None


def _rules(i: Inbox) -> InboxRules:
    hours = stored_hours(i.business_tz, i.business_days, i.business_opens_min, i.business_closes_min)
    return InboxRules(
        i.id, i.name, i.sla_first_response_s // 60, i.sla_next_response_s // 60, i.coach_approval_below, hours
    )


def list_inbox_rules(session: Session) -> list[InboxRules]:
    return [_rules(i) for i in session.scalars(select(Inbox).order_by(Inbox.name))]


def business_hours_of(enabled: bool, tz: str, days: list[str], opens: str, closes: str) -> BusinessHours | None:
    """The business hours a settings form describes (None when not enabled), or a SettingsProblem saying why not."""
    if not enabled:
        return None
    if not tz.strip():
        raise SettingsProblem("business hours need a time zone, such as Europe/Berlin or UTC")
    try:
        return BusinessHours.parse(tz, "".join(d for d in days if d.isdigit()), opens or "09:00", closes or "17:00")
    except BusinessHoursProblem as exc:
        raise SettingsProblem(str(exc)) from exc


def set_inbox_rules(
    session: Session,
    inbox_id: int,
    first_response_min: int,
    next_response_min: int,
    approval_below: int | None,
    hours: BusinessHours | None = None,
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
    inbox.business_tz = hours.tz if hours else None
    inbox.business_days = hours.days_text if hours else None
    inbox.business_opens_min = hours.opens_min if hours else None
    inbox.business_closes_min = hours.closes_min if hours else None
    session.flush()
    return _rules(inbox)
