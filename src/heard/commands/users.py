"""`heard user add|list|password`: the agents who may log in to the inbox."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from heard.accounts.agents import ROLES, AgentError, add_agent, find_agent, generate_password, list_agents, set_password
from heard.app import build_runtime
from heard.settings import Settings

#: Where a running `heard demo` says which database it uses, so that these commands reach it.
DEMO_MARKER = Path("var/demo.json")

users = typer.Typer(help="Manage the agents who log in to the inbox.", no_args_is_help=True)


def _settings() -> Settings:
    """The configured database; when none is configured and a `heard demo` runs from this directory, the demo's
    (an agent added for the demo must be able to log in to it)."""
    settings = Settings()
    if "database_url" not in settings.model_fields_set:
        demo = running_demo_database()
        if demo is not None:
            return settings.model_copy(update={"database_url": demo})
    return settings


def _where(settings: Settings) -> str:
    return settings.database_url.split("://", 1)[-1].split("@")[-1]


def _password(from_stdin: bool) -> str | None:
    if not from_stdin:
        return None
    return sys.stdin.readline().rstrip("\r\n")


@users.command("add")
def add(
    email: Annotated[str, typer.Argument(help="The agent's e-mail address, used to log in.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")] = "agent",
    name: Annotated[str | None, typer.Option(help="The name shown to other agents.")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Add an agent. Without --password-stdin a password is generated and printed once."""
    given = _password(password_stdin)
    settings = _settings()
    with build_runtime(settings) as runtime:
        try:
            with runtime.sessions.begin() as session:
                agent, password = add_agent(session, email, role, runtime.clock.now(), given, name)
                result = {"email": agent.email, "role": agent.role, "name": agent.name}
        except AgentError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc
    if given is None:
        result["password"] = password
    result["database"] = _where(settings)
    typer.echo(json.dumps(result) if as_json else "\n".join(f"{k}: {v}" for k, v in result.items()))


@users.command("password")
def password(
    email: Annotated[str, typer.Argument(help="The agent whose password to replace.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the new password from the first line of stdin.")
    ] = False,
) -> None:
    """Replace an agent's password (ending their sessions and API tokens). Without --password-stdin one is
    generated."""
    given = _password(password_stdin)
    new = given if given is not None else generate_password()
    with build_runtime(_settings()) as runtime:
        try:
            with runtime.sessions.begin() as session:
                agent = find_agent(session, email)
                if agent is None:
                    raise AgentError(f"no agent with e-mail {email[:80]!r}")
                set_password(session, agent, new, runtime.clock.now())
        except AgentError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc
    typer.echo("password changed" if given is not None else f"password: {new}")


@users.command("list")
def list_(as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False) -> None:
    """List the agents and their roles."""
    with build_runtime(_settings()) as runtime, runtime.sessions() as session:
        rows = [{"email": a.email, "name": a.name, "role": a.role} for a in list_agents(session)]
    if as_json:
        typer.echo(json.dumps({"agents": rows}))
    else:
        typer.echo("\n".join(f"{r['email']}\t{r['role']}\t{r['name']}" for r in rows) or "no agents yet")


def write_marker(database_url: str, url: str, marker: Path = DEMO_MARKER) -> Callable[[], None]:
    """Record the running demo; returns the function that removes the record again."""
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"database_url": database_url, "url": url, "pid": os.getpid()}))

    def remove() -> None:
        marker.unlink(missing_ok=True)

    return remove


def running_demo_database(marker: Path = DEMO_MARKER) -> str | None:
    """The database URL of a demo running from this directory, or None (no marker, or its process is gone)."""
    try:
        data = json.loads(marker.read_text())
        pid = int(data["pid"])
        os.kill(pid, 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    url = data.get("database_url")
    return url if isinstance(url, str) else None
