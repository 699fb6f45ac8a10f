"""Commands of the understanding stage: classify, eval complaints/sentiment/topics, bench understand, train."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from heard.errors import BadInput
from heard.lab.understanding import bench, workflows
from heard.understanding.judge import PostFacts, Understander


def _print(data: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False))
        return
    for key, value in data.items():
        typer.echo(f"{key}: {json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value}")


def _fail(exc: BadInput) -> None:
    typer.echo(f"error: {exc.reason}", err=True)
    raise typer.Exit(2)


def classify(
    text: Annotated[str, typer.Argument(help="The post's text.")],
    followers: Annotated[int | None, typer.Option(help="The author's follower count, when known.")] = None,
    private: Annotated[bool, typer.Option("--private", help="The post is a direct message.")] = False,
    answers_brand: Annotated[
        bool, typer.Option("--answers-brand", help="The post replies to one of the brand's own posts.")
    ] = False,
    waited_minutes: Annotated[float | None, typer.Option(help="Minutes the post has waited unanswered.")] = None,
    taxonomy: Annotated[str, typer.Option(help="general, airline, software-retail or a JSON file.")] = "general",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Every judgement of one post, with probabilities and the urgency explained."""
    try:
        understander = Understander.load(taxonomy=taxonomy)
    except BadInput as exc:
        _fail(exc)
        return
    facts = PostFacts(
        followers=followers, public=not private, waited_minutes=waited_minutes, answers_brand=answers_brand
    )
    judged = understander.judge([text], [facts])[0]
    _print({"text": text, **judged.to_json()}, as_json)


def eval_complaints(
    file: Annotated[Path, typer.Argument(help="CSV with text,label (1 = complaint); other columns ignored.")],
    cv: Annotated[
        int, typer.Option(help="k-fold cross-validation of the training recipe instead of the committed model.")
    ] = 0,
    extra: Annotated[
        Path | None, typer.Option(help="Airline tweets CSV to add as weak labels in each fold (with --cv).")
    ] = None,
    repeats: Annotated[
        int, typer.Option(help="With --cv: repeat it on this many different splits and report each and the mean.")
    ] = 1,
    holdout: Annotated[
        float,
        typer.Option(
            help="Set this stratified fraction of the rows aside: cross-validate (--cv K, default 2) on the rest "
            "and judge the rows set aside with a model trained on the rest."
        ),
    ] = 0.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Complaint detection: macro_f1, f1_complaint, accuracy, roc_auc, n, with VADER's on the same data."""
    if not 1 <= repeats <= 20:
        _fail(BadInput("--repeats must be between 1 and 20"))
        return
    try:
        _print(workflows.eval_complaints(file, cv, extra, repeats, holdout), as_json)
    except BadInput as exc:
        _fail(exc)


def eval_sentiment(
    text: Annotated[Path, typer.Option("--text", help="One tweet a line (TweetEval format).")],
    labels: Annotated[Path, typer.Option("--labels", help="One label a line: 0 negative, 1 neutral, 2 positive.")],
    cv: Annotated[
        int,
        typer.Option(
            help="Also k-fold cross-validation of the training recipe on TweetEval train (train_text.txt and "
            "train_labels.txt beside --text, or in --train)."
        ),
    ] = 0,
    train: Annotated[Path | None, typer.Option(help="With --cv: the TweetEval folder holding train_*.txt.")] = None,
    airline: Annotated[
        Path | None, typer.Option(help="With --cv: airline tweets CSV joining each training fold, as in training.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Sentiment: macro_recall, accuracy, n, with VADER's on the same data; with --cv, val and cross-validated
    macro recall side by side."""
    try:
        _print(workflows.eval_sentiment(text, labels, cv, train, airline), as_json)
    except BadInput as exc:
        _fail(exc)


def eval_topics(
    file: Annotated[Path, typer.Argument(help="Airline tweets CSV (Crowdflower Tweets.csv) with negativereason.")],
    taxonomy: Annotated[str, typer.Option(help="Taxonomy to check.")] = "airline",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Topics against the airline tweets' negative reasons: accuracy, coverage, per-topic recall."""
    try:
        _print(workflows.eval_topics(file, taxonomy), as_json)
    except BadInput as exc:
        _fail(exc)


def bench_understand(
    n: Annotated[int, typer.Option(help="Posts to judge.")] = 20_000,
    batch: Annotated[int, typer.Option(help="Posts per batch, as the pipeline takes them.")] = 500,
    data: Annotated[Path | None, typer.Option(help="A text file, one post a line (default: built-in posts).")] = None,
    rounds: Annotated[
        int, typer.Option(help="Timed passes of ours and of the reference, alternated; the median of each counts.")
    ] = bench.ROUNDS,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Speed of all judgements together on one core against a scikit-learn reference: posts_per_s, ratio,
    peak_rss_mb."""
    _print(bench.run(n, batch, data, rounds), as_json)


_WEIGHTS = Path(__file__).resolve().parents[1] / "understanding" / "weights"


def train_complaint(
    data: Annotated[Path, typer.Option(help="Complaints CSV with text,label (complaints-dev.csv).")],
    extra: Annotated[Path | None, typer.Option(help="Airline tweets CSV, added as weak labels.")] = None,
    out: Annotated[Path, typer.Option(help="Output stem (.npz + .json).")] = _WEIGHTS / "complaint",
    corpus: Annotated[
        Path | None,
        typer.Option(help="Shared data folder whose unlabelled tweets give the n-gram vocabulary (else the data's)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Train the complaint model (and its calibration) from labelled tweets."""
    try:
        _print(workflows.train_complaint(data, extra, out, corpus), as_json)
    except BadInput as exc:
        _fail(exc)


def train_sentiment(
    data: Annotated[Path, typer.Option(help="TweetEval sentiment folder (train_text.txt, train_labels.txt).")],
    airline: Annotated[Path | None, typer.Option(help="Airline tweets CSV to train on as well.")] = None,
    out: Annotated[Path, typer.Option(help="Output stem (.npz + .json).")] = _WEIGHTS / "sentiment",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Train the sentiment model from TweetEval train (and the airline tweets)."""
    try:
        _print(workflows.train_sentiment(data, airline, out), as_json)
    except BadInput as exc:
        _fail(exc)


def train_topic(
    data: Annotated[str, typer.Option(help="Taxonomy JSON file, or a shipped name (airline, software-retail).")],
    out: Annotated[Path, typer.Option(help="Output stem (.npz + .json).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Learn topic centroids from a taxonomy's keywords and example posts."""
    try:
        _print(workflows.train_topic(data, out), as_json)
    except BadInput as exc:
        _fail(exc)
