"""The rules editor (admins): list rules, write one, preview it against the recent week ("would have matched 42
posts this week") before saving it, switch it off, delete it. Tags on a conversation (agents)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import HTMLResponse, RedirectResponse, Response

from heard.accounts.models import Team
from heard.app import Runtime
from heard.audit.trail import Actor
from heard.errors import BadInput
from heard.inbox.tags import tag_conversations
from heard.rules.conditions import SENTIMENTS, Conditions
from heard.rules.engine import preview
from heard.rules.manage import create_rule, delete_rule, get_rule, list_rules, update_rule
from heard.rules.tags import tag_counts
from heard.web.auth import Admin, Worker
from heard.web.deps import get_runtime, get_session
from heard.web.templating import fragment, page

router = APIRouter()
SessionDep = Annotated[Session, Depends(get_session)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
_LISTS = ("networks", "brands", "intents", "topics", "keywords", "languages")
_NUMBERS = ("min_followers", "min_urgency")
MAX_FORM_FIELD = 2000


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value[:MAX_FORM_FIELD] if isinstance(value, str) else ""


def conditions_from_form(form: FormData) -> dict[str, Any]:
    data: dict[str, Any] = {name: _field(form, name) for name in (*_LISTS, *_NUMBERS)}
    data["sentiments"] = [s for s in form.getlist("sentiments") if isinstance(s, str)][:3]
    data["complaint"] = _field(form, "complaint") or None
    data["incident"] = _field(form, "incident") or None
    return data


def actions_from_form(form: FormData) -> dict[str, Any]:
    return {
        "tags": _field(form, "tags"),
        "team_id": _field(form, "team_id"),
        "priority": _field(form, "priority"),
        "snooze_hours": _field(form, "snooze_hours"),
        "notify": _field(form, "notify"),
    }


def _editor(request: Request, session: Session, rule: dict[str, Any], error: str | None = None) -> HTMLResponse:
    teams = session.execute(select(Team.id, Team.name).order_by(Team.name)).all()
    context = {"rule": rule, "teams": teams, "sentiments": SENTIMENTS, "error": error, "preview": None}
    context["preview_error"] = None
    return page(request, "rules_edit.html", context, status_code=400 if error else 200)


@router.get("/rules", response_class=HTMLResponse)
def rules_page(request: Request, session: SessionDep, me: Admin) -> HTMLResponse:
    return page(request, "rules.html", {"rules": list_rules(session), "tags": tag_counts(session)})


@router.get("/rules/new", response_class=HTMLResponse)
def new_rule(request: Request, session: SessionDep, me: Admin) -> HTMLResponse:
    return _editor(request, session, {"id": None, "name": "", "conditions": {}, "actions": {}})


@router.get("/rules/{rule_id}", response_class=HTMLResponse)
def edit_rule(rule_id: int, request: Request, session: SessionDep, me: Admin) -> HTMLResponse:
    rule = get_rule(session, rule_id)
    return _editor(
        request,
        session,
        {"id": rule.id, "name": rule.name, "conditions": rule.conditions, "actions": rule.actions},
    )


@router.post("/rules/preview", response_class=HTMLResponse)
async def preview_rule(request: Request, session: SessionDep, me: Admin) -> HTMLResponse:
    """The preview box: how many of the recent week's posts the conditions as written would have matched."""
    form = await request.form()
    try:
        result = preview(session, Conditions.from_json(conditions_from_form(form)))
        error = None
    except BadInput as exc:
        result, error = None, str(exc)
    return fragment(request, "rules_edit.html", "preview", {"preview": result, "preview_error": error})


@router.post("/rules", response_class=HTMLResponse)
async def save_rule(request: Request, runtime: RuntimeDep, me: Admin) -> Response:
    form = await request.form()
    raw_id = _field(form, "rule_id")
    name, conditions, actions = _field(form, "name"), conditions_from_form(form), actions_from_form(form)
    actor, now = Actor(me.id, me.email), runtime.clock.now()
    try:
        with runtime.sessions.begin() as session:
            if raw_id.isdigit():
                update_rule(session, int(raw_id), by=actor, now=now, name=name, conditions=conditions, actions=actions)
            else:
                create_rule(session, name, conditions, actions, by=actor, now=now)
    except BadInput as exc:
        with runtime.sessions() as session:
            rule = {
                "id": int(raw_id) if raw_id.isdigit() else None,
                "name": name,
                "conditions": conditions,
                "actions": actions,
            }
            return _editor(request, session, rule, str(exc))
    return RedirectResponse("/rules", status_code=303)


@router.post("/rules/{rule_id}/enabled")
async def switch_rule(rule_id: int, request: Request, runtime: RuntimeDep, me: Admin) -> Response:
    form = await request.form()
    with runtime.sessions.begin() as session:
        update_rule(
            session, rule_id, by=Actor(me.id, me.email), now=runtime.clock.now(), enabled=_field(form, "on") == "1"
        )
    return RedirectResponse("/rules", status_code=303)


@router.post("/rules/{rule_id}/delete")
def remove_rule(rule_id: int, runtime: RuntimeDep, me: Admin) -> Response:
    with runtime.sessions.begin() as session:
        delete_rule(session, rule_id, by=Actor(me.id, me.email), now=runtime.clock.now())
    return RedirectResponse("/rules", status_code=303)


@router.post("/conversations/{conversation_id}/tags", response_class=HTMLResponse)
async def tag(conversation_id: int, request: Request, runtime: RuntimeDep, me: Worker) -> HTMLResponse:
    """Add (`add`, comma-separated) or remove (`remove`) tags; answers the tag bar fragment."""
    form = await request.form()
    with runtime.sessions.begin() as session:
        tags = tag_conversations(
            session,
            [conversation_id],
            add=_field(form, "add").split(","),
            remove=[r for r in form.getlist("remove") if isinstance(r, str)],
            by=me,
            now=runtime.clock.now(),
        )
    context = {"conversation_id": conversation_id, "tags": tags.get(conversation_id, [])}
    return fragment(request, "tags_bar.html", "bar", context)
