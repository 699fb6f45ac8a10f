"""`heard token create|list|revoke`: bearer tokens for the HTTP API (docs/api.md)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from heard.accounts.tokens import create_token, list_tokens, revoke_token
from heard.app import build_runtime
from heard.errors import HeardError
from heard.settings import Settings

tokens = typer.Typer(help="Bearer tokens for the HTTP API; each acts as its agent.", no_args_is_help=True)
Json = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


@tokens.command("create")
def create(
    email: Annotated[str, typer.Argument(help="The agent the token acts as (and whose role it has).")],
    name: Annotated[str, typer.Option(help="What will use the token, e.g. 'crm-sync'.")],
    scope: Annotated[
        str, typer.Option(help="write: acts with the agent's role; read: at most a viewer's (reads, changes nothing).")
    ] = "write",
    as_json: Json = False,
) -> None:
    """Create a token and print it once: it is stored only as a digest."""
    with build_runtime(Settings()) as runtime:
        try:
            with runtime.sessions.begin() as session:
                text, row = create_token(session, email, name, runtime.clock.now(), scope)
                token_id = row.id
        except HeardError as exc:
            raise typer.BadParameter(str(exc)) from exc
    if as_json:
        typer.echo(json.dumps({"id": token_id, "token": text}))
        return
    typer.echo(f"token {token_id} for {email}: {text}\n(shown once; send it as 'Authorization: Bearer <token>')")


@tokens.command("list")
def list_(as_json: Json = False) -> None:
    """Every token with its agent, name, first characters and last use (never the token itself)."""
    with build_runtime(Settings()) as runtime, runtime.sessions() as session:
        found = list_tokens(session)
    rows = [
        {
            "id": t.id,
            "agent": t.agent_email,
            "name": t.name,
            "prefix": t.prefix,
            "created_at": t.created_at.isoformat(),
            "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            "revoked": t.revoked,
            "scope": t.scope,
        }
        for t in found
    ]
    if as_json:
        typer.echo(json.dumps(rows))
        return
    for r in rows:
        state = "revoked" if r["revoked"] else f"last used {r['last_used_at'] or 'never'}"
        typer.echo(f"{r['id']:>4}  {r['prefix']}…  {r['agent']}  {r['name']}  {r['scope']}  ({state})")


@tokens.command("revoke")
def revoke(token_id: Annotated[int, typer.Argument(help="The token's id (heard token list).", min=1)]) -> None:
    """Revoke a token at once; requests with it are refused from now on."""
    with build_runtime(Settings()) as runtime:
        try:
            with runtime.sessions.begin() as session:
                revoke_token(session, token_id, runtime.clock.now())
        except HeardError as exc:
            raise typer.BadParameter(str(exc)) from exc
    typer.echo(f"revoked token {token_id}")
