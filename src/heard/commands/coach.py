"""`heard coach`, `heard eval coach`, `heard train coach` and `heard bench coach`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from heard.coach.review import ReviewContext
from heard.coach.reviewer import review
from heard.coach.suggest import suggest_draft
from heard.errors import BadInput
from heard.lab.coach.bench import bench
from heard.lab.coach.evaluation import evaluate_file
from heard.lab.coach.tuning import train_file


def coach_command(
    draft: Annotated[str, typer.Argument(help="The reply draft to review.")],
    post: Annotated[str, typer.Option(help="The customer's post the draft answers.")] = "",
    name: Annotated[str, typer.Option(help="The customer's name.")] = "",
    handle: Annotated[str, typer.Option(help="The customer's handle.")] = "",
    network: Annotated[str, typer.Option(help="x, mastodon, bluesky, reddit, facebook, linkedin, youtube.")] = "x",
    private: Annotated[bool, typer.Option("--private", help="The reply goes as a private message.")] = False,
    agent: Annotated[str, typer.Option(help="The agent who signs the reply.")] = "",
    previous: Annotated[list[str] | None, typer.Option(help="A reply already sent in the incident (repeat).")] = None,
    article_url: Annotated[str, typer.Option(help="The knowledge-base article that fixes the problem.")] = "",
    suggest: Annotated[bool, typer.Option("--suggest", help="Also print a suggested draft.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Review a reply draft: a 0-100 score and findings, each with what is wrong, why it matters and a fix."""
    ctx = ReviewContext(
        post=post,
        customer_name=name,
        customer_handle=handle,
        network=network,
        public=not private,
        agent_name=agent,
        previous_replies=tuple(previous or ()),
        article_url=article_url or None,
    )
    result: dict[str, Any] = review(draft, ctx).to_dict()
    if suggest:
        result["suggestion"] = suggest_draft(ctx)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    typer.echo(f"score {result['score']}/100")
    for f in result["findings"]:
        typer.echo(f"- [{f['severity']}] {f['rule']}: {f['what']}\n    why: {f['why']}\n    fix: {f['fix']}")
    if suggest:
        typer.echo(f"suggested: {result['suggestion']}")


def eval_coach(
    file: Annotated[Path, typer.Argument(help="TwACS conversations.csv.")],
    limit: Annotated[int | None, typer.Option(help="Use only the first N answered replies.")] = None,
    worst: Annotated[int, typer.Option(help="How many of the worst-scored replies to show.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """ROC AUC of the coach score for replies customers answered warmly vs angrily, and the worst replies."""
    try:
        report = evaluate_file(file, limit, worst)
    except BadInput as exc:
        raise typer.BadParameter(exc.reason) from exc
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    typer.echo(
        f"roc_auc {report['roc_auc']} (on complaints {report['roc_auc_on_complaints']}), "
        f"warm {report['n_warm']}, angry {report['n_angry']}, {report['ms_per_review']} ms/review"
    )
    for entry in report["worst"]:
        rules = ", ".join(f["rule"] for f in entry["findings"])
        typer.echo(f"{entry['score']:>3} {entry['reply'][:100]!r}\n    {rules}")


def train_coach(
    file: Annotated[Path, typer.Argument(help="TwACS conversations.csv.")],
    folds: Annotated[int, typer.Option(min=2, max=20, help="Cross-validation folds.")] = 5,
    write: Annotated[
        bool, typer.Option("--write", help="Write the chosen weights to the shipped weights.json.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Fit the rule weights on real replies with k-fold cross-validation; keep the blend that generalises."""
    try:
        result = train_file(file, folds, write)
    except BadInput as exc:
        raise typer.BadParameter(exc.reason) from exc
    typer.echo(json.dumps(result, ensure_ascii=False) if as_json else json.dumps(result, indent=2))


def bench_coach(
    previous: Annotated[int, typer.Option(help="Replies already sent in the incident (near-copy checks).")] = 300,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Time one review as the inbox runs it on each keystroke (target < 5 ms)."""
    result = bench(previous=previous)
    typer.echo(json.dumps(result) if as_json else "\n".join(f"{k}: {v}" for k, v in result.items()))
