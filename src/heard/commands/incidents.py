"""`heard eval grouping` and `heard incidents list|merge|split|rename|move|regroup`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session

import heard.schema  # noqa: F401  (all models, so foreign keys resolve)
from heard.app import Runtime, build_runtime
from heard.errors import BadInput, NotFound
from heard.incidents import actions, queries
from heard.incidents.embedders import DEFAULT, make_embedder
from heard.incidents.maintenance import regroup_open
from heard.pipeline.group import Embedder
from heard.settings import Settings

incidents_app = typer.Typer(help="Incidents: similar complaints grouped into one problem.", no_args_is_help=True)
Json = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
EmbedderName = Annotated[str, typer.Option("--embedder", help="Text representation: lexical, static or hybrid.")]


def eval_grouping(
    file: Annotated[Path, typer.Argument(help="CSV with text,label columns.", exists=True, dir_okay=False)],
    as_json: Json = False,
    embedder: EmbedderName = DEFAULT,
    regroup_every: Annotated[int, typer.Option(help="Posts between re-groupings.", min=1)] = 1000,
    label_column: Annotated[str, typer.Option(help="The column holding the label.")] = "label",
    skip_label: Annotated[list[str] | None, typer.Option(help="A label whose rows are left out (repeatable).")] = None,
    brand_term: Annotated[
        list[str] | None, typer.Option(help="A brand name or handle to ignore (repeatable), as HEARD_BRAND_HANDLES.")
    ] = None,
) -> None:
    """Group the file's texts as the product does; score beside TF-IDF and MiniLM + k-means."""
    from heard.lab.incidents.evaluation import evaluate_file  # scikit-learn's k-means: slow to import

    try:
        result = evaluate_file(file, embedder, brand_term or (), label_column, skip_label or (), regroup_every)
    except BadInput as exc:
        raise typer.BadParameter(str(exc)) from exc
    if as_json:
        typer.echo(json.dumps(result))
        return
    for name in ("heard", "heard_online_only", "baseline_tfidf_kmeans", "baseline_minilm_kmeans"):
        s = result[name]
        if "nmi" not in s:
            typer.echo(f"{name:24s} {s}")
            continue
        typer.echo(
            f"{name:24s} nmi={s['nmi']:.3f} ari={s['ari']:.3f} accuracy={s['accuracy']:.3f} groups={s['groups']}"
        )


@contextmanager
def _store() -> Iterator[tuple[Runtime, Session]]:
    with build_runtime(Settings()) as runtime:
        try:
            with runtime.sessions.begin() as session:
                yield runtime, session
        except (BadInput, NotFound) as exc:
            raise typer.BadParameter(str(exc)) from exc


def _embedder(runtime: Runtime) -> Embedder:
    return make_embedder(brand_terms=runtime.settings.brand_handles)


def _echo(data: Any, as_json: bool, text: str) -> None:
    typer.echo(json.dumps(data, default=str) if as_json else text)


@incidents_app.command("list")
def list_command(
    status: Annotated[str | None, typer.Option(help="Only this status.")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 50,
    as_json: Json = False,
) -> None:
    """Live incidents, most posts first."""
    with _store() as (_, session):
        rows = queries.list_incidents(session, status=status, limit=limit)
    if as_json:
        typer.echo(json.dumps({"incidents": [asdict(r) for r in rows]}, default=str))
        return
    for r in rows:
        typer.echo(f"#{r.id:<6} {r.status:13s} {r.posts:6d} posts {r.authors:6d} authors  {r.title}")


@incidents_app.command("merge")
def merge_command(into: int, sources: list[int], as_json: Json = False) -> None:
    """Fold incidents SOURCES into INTO."""
    with _store() as (runtime, session):
        actions.merge(session, into, sources, _embedder(runtime), runtime.clock.now())
    _echo({"merged": sources, "into": into}, as_json, f"merged {sources} into #{into}")


@incidents_app.command("split")
def split_command(incident: int, posts: list[int], as_json: Json = False) -> None:
    """Move POSTS out of INCIDENT into a new incident."""
    with _store() as (runtime, session):
        created = actions.split(session, incident, posts, _embedder(runtime), runtime.clock.now())
    _echo({"from": incident, "created": created}, as_json, f"split {len(posts)} posts into #{created}")


@incidents_app.command("rename")
def rename_command(incident: int, title: str, as_json: Json = False) -> None:
    """Give INCIDENT a title of your own."""
    with _store() as (runtime, session):
        actions.rename(session, incident, title, runtime.clock.now())
    _echo({"incident": incident, "title": title}, as_json, f"renamed #{incident}")


@incidents_app.command("move")
def move_command(post: int, incident: int, as_json: Json = False) -> None:
    """Move POST (its id) into INCIDENT."""
    with _store() as (runtime, session):
        actions.move(session, post, incident, _embedder(runtime), runtime.clock.now())
    _echo({"post": post, "incident": incident}, as_json, f"moved post {post} to #{incident}")


@incidents_app.command("regroup")
def regroup_command(as_json: Json = False) -> None:
    """Re-group the open incidents now (the scheduler does this periodically)."""
    with _store() as (runtime, session):
        report = regroup_open(session, _embedder(runtime), runtime.clock.now())
    _echo(
        asdict(report), as_json, f"re-grouped {report.posts} posts: {report.moved} moved, {len(report.merged)} merged"
    )
