"""`heard privacy export|erase`: a person's request to see or erase what Heard stores about them (docs/privacy.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from heard.app import build_runtime
from heard.audit.trail import CLI
from heard.errors import HeardError
from heard.privacy.requests import erase_request, export_request
from heard.settings import Settings

privacy = typer.Typer(
    help="A person's request to see (export) or erase what Heard stores about them.", no_args_is_help=True
)
ContactId = Annotated[int | None, typer.Option("--contact", help="The contact's id (as the API and pages show it).")]
Handle = Annotated[str | None, typer.Option("--handle", help="A handle of theirs, with or without @.")]
Network = Annotated[str | None, typer.Option("--network", help="Only this network's handle (e.g. twitter).")]


@privacy.command("export")
def export(
    contact: ContactId = None,
    handle: Handle = None,
    network: Network = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the JSON here instead of printing it.")] = None,
) -> None:
    """Everything stored about one person (every identity of theirs) as one JSON document."""
    with build_runtime(Settings()) as runtime:
        try:
            document = export_request(
                runtime.sessions, actor=CLI, now=runtime.clock.now(), contact_id=contact, handle=handle, network=network
            )
        except HeardError as exc:
            raise typer.BadParameter(str(exc)) from exc
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if out is None:
        typer.echo(text)
        return
    out.write_text(text + "\n", encoding="utf-8")
    typer.echo(f"wrote {out} ({len(document['posts'])} posts, {len(document['conversations'])} conversations)")


@privacy.command("erase")
def erase(
    contact: ContactId = None,
    handle: Handle = None,
    network: Network = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do it without asking (there is no undo).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Erase one person: their words, handles and names leave every table, the search index and the event log;
    reports keep their counts. There is no undo."""
    if not yes:
        typer.confirm("Erase this person's data for good?", abort=True)
    with build_runtime(Settings()) as runtime:
        try:
            erasure = erase_request(
                runtime.sessions,
                runtime.log,
                actor=CLI,
                now=runtime.clock.now(),
                contact_id=contact,
                handle=handle,
                network=network,
            )
        except HeardError as exc:
            raise typer.BadParameter(str(exc)) from exc
    if as_json:
        typer.echo(json.dumps(erasure.to_json()))
        return
    counts = ", ".join(f"{k} {v}" for k, v in erasure.counts.items())
    typer.echo(f"erased contact {', '.join(map(str, erasure.contact_ids))}: {counts}")
    if erasure.counts.get("log_records") == -1:
        typer.echo("the event log (JetStream) keeps its copies until its retention limits drop them", err=True)
