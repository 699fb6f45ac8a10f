"""A lead's pages: each inbox's rules (SLA targets, the approval threshold) and the approvals queue (held drafts
with their review: approve, reject, or open the conversation to edit)."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any
from zoneinfo import available_timezones

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from heard.app import Runtime
from heard.channels.sla_clock import WEEKDAYS, clock_text
from heard.inbox.approvals import approve_review
from heard.inbox.approvals_queue import held_replies, reject_reply
from heard.inbox.outbox import Author, OutboxProblem, revise_held
from heard.inbox.settings import (
    InboxRules,
    SettingsProblem,
    add_channel_inbox,
    business_hours_of,
    channels_without_inbox,
    list_inbox_rules,
    set_inbox_rules,
)
from heard.web.auth import Lead
from heard.web.deps import get_runtime
from heard.web.templating import page

router = APIRouter()


@cache
def _time_zones() -> list[str]:
    return sorted(available_timezones())


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
Minutes = Annotated[int, Form(ge=0, le=7 * 24 * 60)]


def _values(rules: InboxRules) -> dict[str, Any]:
    """A settings form's fields as stored."""
    hours = rules.hours
    return {
        "first": rules.first_response_min,
        "next": rules.next_response_min,
        "approval": "" if rules.approval_below is None else rules.approval_below,
        "hours_on": hours is not None,
        "tz": hours.tz if hours else "",
        "days": set(hours.days) if hours else {1, 2, 3, 4, 5},
        "opens": clock_text(hours.opens_min) if hours else "09:00",
        "closes": clock_text(hours.closes_min % (24 * 60)) if hours else "17:00",
        "problem": "",
    }


def _settings_page(request: Request, runtime: Runtime, failed: dict[str, Any] | None = None) -> HTMLResponse:
    """The settings forms; a refused one shows the reason beside it, with what the lead typed."""
    with runtime.sessions() as session:
        inboxes = list_inbox_rules(session)
        channels = channels_without_inbox(session)
    forms = [(i, failed if failed is not None and failed["inbox_id"] == i.inbox_id else _values(i)) for i in inboxes]
    context = {"forms": forms, "weekdays": WEEKDAYS, "time_zones": _time_zones(), "channels": channels}
    return page(request, "lead_settings.html", context, status_code=400 if failed else 200)


@router.get("/settings/inboxes", response_class=HTMLResponse)
def inbox_settings(request: Request, runtime: RuntimeDep, me: Lead) -> HTMLResponse:
    return _settings_page(request, runtime)


@router.post("/settings/inboxes/new")
def add_inbox(request: Request, runtime: RuntimeDep, me: Lead, channel_id: Annotated[int, Form(ge=1)]) -> Response:
    """An inbox of its own for a channel: its new conversations then follow the rules set here."""
    with runtime.sessions.begin() as session:
        add_channel_inbox(session, channel_id)
    return RedirectResponse("/settings/inboxes?saved=1", status_code=303)


@router.post("/settings/inboxes/{inbox_id}")
def save_inbox_settings(
    request: Request,
    inbox_id: int,
    runtime: RuntimeDep,
    me: Lead,
    first_response_min: Minutes,
    next_response_min: Minutes,
    approval_below: Annotated[str, Form(max_length=4)] = "",
    business_hours: Annotated[str, Form(max_length=8)] = "",
    business_tz: Annotated[str, Form(max_length=64)] = "",
    business_days: Annotated[list[str] | None, Form(max_length=7)] = None,
    business_opens: Annotated[str, Form(max_length=5)] = "",
    business_closes: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    threshold = approval_below.strip()
    try:
        if threshold and not threshold.isdigit():
            raise SettingsProblem("the approval threshold is a coach score from 1 to 100 (empty: no approval)")
        days = business_days or []
        hours = business_hours_of(bool(business_hours), business_tz, days, business_opens, business_closes)
        with runtime.sessions.begin() as session:
            approval = int(threshold) if threshold else None
            set_inbox_rules(session, inbox_id, first_response_min, next_response_min, approval, hours)
    except SettingsProblem as exc:
        typed = {
            "inbox_id": inbox_id,
            "first": first_response_min,
            "next": next_response_min,
            "approval": threshold,
            "hours_on": bool(business_hours),
            "tz": business_tz,
            "days": {int(d) for d in business_days or [] if d.isdigit()},
            "opens": business_opens,
            "closes": business_closes,
            "problem": str(exc),
        }
        return _settings_page(request, runtime, typed)
    return RedirectResponse("/settings/inboxes?saved=1", status_code=303)


@router.get("/approvals", response_class=HTMLResponse)
def approvals(request: Request, runtime: RuntimeDep, me: Lead, edited: int | None = None) -> HTMLResponse:
    with runtime.sessions() as session:
        return page(request, "approvals.html", {"held": held_replies(session), "edited": edited, "problem": None})


@router.post("/approvals/{message_id}/edit", response_model=None)
def edit(
    request: Request,
    message_id: int,
    runtime: RuntimeDep,
    me: Lead,
    text: Annotated[str, Form(max_length=40_000)] = "",
) -> Response:
    """The lead's edit of a held draft: re-reviewed by the coach, still held until approved. A refusal (empty, too
    long for the network) is shown beside the draft with the text as typed, so nothing is lost."""
    try:
        with runtime.sessions.begin() as session:
            revise_held(session, message_id, text, clock=runtime.clock, editor=Author(agent_id=me.id, name=me.name))
    except OutboxProblem as exc:
        with runtime.sessions() as session:
            context = {"held": held_replies(session), "edited": None, "problem": (message_id, str(exc), text)}
            return page(request, "approvals.html", context, status_code=400)
    return RedirectResponse(f"/approvals?edited={message_id}#held-{message_id}", status_code=303)


@router.post("/approvals/{review_id}/approve")
def approve(review_id: int, runtime: RuntimeDep, me: Lead) -> Response:
    with runtime.sessions.begin() as session:
        approve_review(session, review_id, approver_id=me.id, approver_role=me.role, clock=runtime.clock)
    return RedirectResponse("/approvals", status_code=303)


@router.post("/approvals/reject/{message_id}")
def reject(message_id: int, runtime: RuntimeDep, me: Lead) -> Response:
    with runtime.sessions.begin() as session:
        reject_reply(session, message_id, me, clock=runtime.clock)
    return RedirectResponse("/approvals", status_code=303)
