"""An inbox's working rules, set by a lead: the SLA targets (first and next response), the business hours they
count (none: around the clock) and the coach score below which a draft waits for a lead's approval. The columns
live on `channels.Inbox`; this is the action that checks and changes them.

A lead gives a channel its own inbox (`add_channel_inbox`); from then on the conversations that channel's posts
open are in it (ingest reads the channel's inbox) and follow its rules. Conversations in no inbox (imports, the
demo, channels without an inbox) follow the default row, listed first as inbox 0 and created the first time a lead
saves it; until then they run on 15 min / 1 h around the clock."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.channels.models import DEFAULT_INBOX, Channel, Inbox
from heard.channels.sla_clock import BusinessHours, BusinessHoursProblem, stored_hours
from heard.errors import NotFound, Refused

#: Targets below a minute or above a week are typing mistakes, not service levels.
MIN_TARGET_S = 60
MAX_TARGET_S = 7 * 24 * 3600
#: The id the settings page gives the default rules (conversations in no inbox) before their row exists.
DEFAULT_ID = 0


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
        DEFAULT_ID if i.is_default else i.id,
        i.name,
        i.sla_first_response_s // 60,
        i.sla_next_response_s // 60,
        i.coach_approval_below,
        hours,
    )


def list_inbox_rules(session: Session) -> list[InboxRules]:
    """The default rules first (as stored, or the built-in 15 min / 1 h), then each inbox by name."""
    rows = list(session.scalars(select(Inbox).order_by(Inbox.is_default.desc(), Inbox.name)))
    if not rows or not rows[0].is_default:
        return [InboxRules(DEFAULT_ID, DEFAULT_INBOX, 15, 60, None), *(_rules(i) for i in rows)]
    return [_rules(i) for i in rows]


def channels_without_inbox(session: Session) -> list[tuple[int, str]]:
    """The channels a lead can still give an inbox of their own: (id, name), by name."""
    has_inbox = select(Inbox.channel_id).where(Inbox.channel_id.is_not(None))
    query = select(Channel.id, Channel.name).where(Channel.id.not_in(has_inbox)).order_by(Channel.name)
    return [(row.id, row.name) for row in session.execute(query)]


def add_channel_inbox(session: Session, channel_id: int) -> InboxRules:
    """An inbox for one channel, starting from the default rules; the channel's new conversations land in it."""
    channel = session.get(Channel, channel_id)
    if channel is None:
        raise NotFound(f"no channel {channel_id}")
    if session.scalars(select(Inbox.id).where(Inbox.channel_id == channel_id)).first() is not None:
        raise SettingsProblem(f"{channel.name} has an inbox already")
    name = f"{channel.name} ({channel.kind})"
    if session.scalars(select(Inbox.id).where(Inbox.name == name)).first() is not None:
        raise SettingsProblem(f"an inbox is already called {name}")
    base = list_inbox_rules(session)[0]
    inbox = Inbox(name=name, channel_id=channel_id)
    session.add(inbox)
    session.flush()
    return set_inbox_rules(
        session, inbox.id, base.first_response_min, base.next_response_min, base.approval_below, base.hours
    )


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
    inbox = _default(session) if inbox_id == DEFAULT_ID else session.get(Inbox, inbox_id)
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


def _default(session: Session) -> Inbox:
    row = session.scalars(select(Inbox).where(Inbox.is_default.is_(True)).limit(1)).first()
    if row is None:
        row = Inbox(name=DEFAULT_INBOX, is_default=True, sla_first_response_s=900, sla_next_response_s=3600)
        session.add(row)
    return row
