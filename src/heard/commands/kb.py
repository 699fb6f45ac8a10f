"""`heard kb ...`: list, draft from an incident, publish (queueing follow-ups) and export the knowledge base."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from heard.app import build_runtime
from heard.errors import HeardError
from heard.inbox.followups import publish_with_followups
from heard.knowledge.actions import archive_article
from heard.knowledge.article_files import write_article
from heard.knowledge.drafting import draft_from_incident
from heard.knowledge.queries import list_articles
from heard.settings import Settings
from heard.web.kb_export import export_site

kb = typer.Typer(
    help="The public knowledge base: articles, drafts from incidents, static export.", no_args_is_help=True
)


def public_root(settings: Settings) -> str:
    url = settings.public_url or f"http://{settings.host}:{settings.port}/kb/"
    return url if url.endswith("/") else f"{url}/"


@kb.command("list")
def list_(
    status: Annotated[str | None, typer.Option(help="draft, published or archived.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """List articles, newest first."""
    with build_runtime(Settings()) as runtime, runtime.sessions() as session:
        rows = [
            {"slug": a.slug, "status": a.status, "language": a.language, "title": a.title, "incident": a.incident_id}
            for a in list_articles(session, status)
        ]
    if as_json:
        typer.echo(json.dumps({"articles": rows}))
        return
    for row in rows:
        typer.echo(f"{row['status']:<9} {row['language']:<3} {row['slug']}  {row['title']}")


@kb.command("write")
def write(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A Markdown file with front matter.")],
) -> None:
    """Create an article from a Markdown file, or update the article with the file's slug (status unchanged)."""
    with build_runtime(Settings()) as runtime:
        try:
            with runtime.sessions.begin() as session:
                article, created = write_article(session, runtime.clock, path.read_text(encoding="utf-8"))
                slug, status = article.slug, article.status
        except HeardError as error:
            raise typer.BadParameter(str(error), param_hint="PATH") from error
    typer.echo(f"{'created' if created else 'updated'} {slug} ({status})")


@kb.command("archive")
def archive(slug: Annotated[str, typer.Argument(help="The article's slug.")]) -> None:
    """Take an article off the public site (it stays in the database)."""
    with build_runtime(Settings()) as runtime:
        try:
            with runtime.sessions.begin() as session:
                archive_article(session, runtime.clock, slug)
        except HeardError as error:
            raise typer.BadParameter(str(error), param_hint="SLUG") from error
    typer.echo(f"archived {slug}")


@kb.command("draft")
def draft(incident_id: Annotated[int, typer.Argument(help="The incident to draft from.")]) -> None:
    """Create a draft article from an incident's posts (symptom, product) and the agents' replies (steps)."""
    with build_runtime(Settings()) as runtime:
        try:
            with runtime.sessions.begin() as session:
                article = draft_from_incident(session, runtime.clock, incident_id)
                slug = article.slug
        except HeardError as error:
            raise typer.BadParameter(str(error), param_hint="INCIDENT_ID") from error
    typer.echo(f"draft created: {slug} (edit it, then: heard kb publish {slug})")


@kb.command("publish")
def publish(
    slug: Annotated[str, typer.Argument(help="The article's slug.")],
    sign: Annotated[str, typer.Option(help="Who signs the follow-ups (initials or a first name).")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Publish an article; if it answers an incident, queue one follow-up per complainant (never twice)."""
    settings = Settings()
    with build_runtime(settings) as runtime:
        try:
            with runtime.sessions.begin() as session:
                url = f"{public_root(settings)}articles/{slug}/"
                result = publish_with_followups(session, runtime.clock, slug, url, signature=sign)
                summary = {"slug": slug, "url": url, "followups_queued": len(result.followups)}
        except HeardError as error:
            raise typer.BadParameter(str(error), param_hint="SLUG") from error
    typer.echo(json.dumps(summary) if as_json else f"published {url}; {summary['followups_queued']} follow-ups queued")


@kb.command("export")
def export(
    folder: Annotated[Path, typer.Argument(file_okay=False, help="Where to write the site.")],
    base_url: Annotated[str, typer.Option(help="The site's public address, for canonical URLs and the feed.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Write the public knowledge base as a static site for any web host."""
    settings = Settings()
    with build_runtime(settings) as runtime, runtime.sessions() as session:
        result = export_site(session, runtime.clock, folder, base_url or settings.public_url)
    summary = {"folder": str(folder), "pages": result.pages, "articles": result.articles}
    typer.echo(
        json.dumps(summary) if as_json else f"wrote {result.pages} pages ({result.articles} articles) to {folder}"
    )
