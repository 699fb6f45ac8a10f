"""The `heard` command line: one static table of every command, the module that defines it and its help line.

`heard --help` (and `heard eval --help`, `heard bench --help`, ...) answers from the table alone, so it starts in
a fraction of a second. A command's module, and what it imports (scikit-learn, SQLAlchemy, FastAPI, ...), loads
only when that command runs or its own `--help` is asked. Command modules define plain functions (a command) or
`typer.Typer` apps (a group) and never import this module; adding a command is one row here
(tests/test_cli.py checks that every row loads and that its help line is the command's own).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

import typer
import typer.main
from typer import _click  # typer's own copy of click: the classes its commands and contexts are made of
from typer.core import TyperCommand, TyperGroup


@dataclass(frozen=True, slots=True)
class Command:
    """A command or a group of commands defined in a module, as "module:attribute" (a function or a
    `typer.Typer`), and the help line `heard --help` shows for it."""

    target: str
    help: str


@dataclass(frozen=True, slots=True)
class Group:
    """A group whose commands live in several modules (`heard eval`, `heard bench`, `heard train`)."""

    help: str
    commands: Mapping[str, Command]


HELP = "Heard: social customer care that answers before the pile-on."

#: Every command, in the order `heard --help` lists them.
COMMANDS: Mapping[str, Command | Group] = {
    "listen": Command(
        "heard.commands.channels:listen",
        "Run the readers: each channel from its stored cursor onto the event log (`heard worker` does the rest).",
    ),
    "coach": Command(
        "heard.commands.coach:coach_command",
        "Review a reply draft: a 0-100 score and findings, each with what is wrong, why it matters and a fix.",
    ),
    "init": Command(
        "heard.commands.core:init", "Create the database or bring it to the newest schema (safe to run again)."
    ),
    "import": Command(
        "heard.commands.core:import_",
        "Import an export: every row is taken or set aside as a dead letter with its reason.",
    ),
    "worker": Command(
        "heard.commands.core:worker",
        "Run the pipeline worker until interrupted (distributed mode: many of these may run).",
    ),
    "radar": Command(
        "heard.commands.radar.replay:radar_app",
        "Run the installation's one pile-on radar until interrupted (with HEARD_RADAR_MODE=separate).",
    ),
    "scheduler": Command(
        "heard.commands.core:scheduler",
        "Run the periodic jobs and the SLA watch until interrupted (distributed mode: run one).",
    ),
    "serve": Command(
        "heard.commands.core:serve",
        "Serve the web inbox (and, in embedded mode, process posts in the same process).",
    ),
    "demo": Command(
        "heard.commands.demo:demo",
        "Migrate a fresh SQLite file, replay the bundled twcs sample live and serve the inbox.",
    ),
    "publisher": Command(
        "heard.commands.publisher:publisher",
        "Send pending replies (distributed mode: run as many as you like, each reply goes out once).",
    ),
    "detect": Command("heard.commands.radar:detect", "Score a series with the live detector, one row at a time."),
    "report": Command(
        "heard.commands.report:report",
        "How the team did: response times and SLA, pile-ons and their cost, sentiment before and after the reply, "
        "incidents resolved, and whether published fixes cut complaints.",
    ),
    "classify": Command(
        "heard.commands.understand:classify",
        "Every judgement of one post, with probabilities and the urgency explained.",
    ),
    "eval": Group(
        "Measure quality on labelled data.",
        {
            "coach": Command(
                "heard.commands.coach:eval_coach",
                "ROC AUC of the coach score for replies customers answered warmly vs angrily, and the worst replies.",
            ),
            "grouping": Command(
                "heard.commands.incidents:eval_grouping",
                "Group the file's texts as the product does; score beside TF-IDF and MiniLM + k-means.",
            ),
            "nab": Command(
                "heard.commands.radar:eval_nab", "Score the live detector on NAB with NAB's standard profile."
            ),
            "complaints": Command(
                "heard.commands.understand:eval_complaints",
                "Complaint detection: macro_f1, f1_complaint, accuracy, roc_auc, n, with VADER's on the same data.",
            ),
            "sentiment": Command(
                "heard.commands.understand:eval_sentiment",
                "Sentiment: macro_recall, accuracy, n, with VADER's on the same data; with --cv, val and"
                " cross-validated macro recall side by side.",
            ),
            "topics": Command(
                "heard.commands.understand:eval_topics",
                "Topics against the airline tweets' negative reasons: accuracy, coverage, per-topic recall.",
            ),
        },
    ),
    "bench": Group(
        "Measure speed.",
        {
            "inbox": Command(
                "heard.commands.bench_inbox:bench_inbox",
                "Fill a SQLite database, then measure p50/p95/p99 of the inbox and conversation pages "
                "(target: inbox p95 <= 50 ms).",
            ),
            "inbox-queries": Command(
                "heard.commands.bench_inbox_queries:bench_inbox",
                "Time the inbox's queries over a database of generated conversations (one core, warm cache).",
            ),
            "ingest": Command(
                "heard.commands.bench_ingest:bench_ingest",
                "Replays generated posts (real sample text, reply chains) through the whole ingest path, one core.",
            ),
            "cluster": Command(
                "heard.commands.bench_cluster:bench_cluster",
                "PostgreSQL + NATS, an importer, N workers and a radar as processes: posts/s for each N, the ratio.",
            ),
            "jetstream": Command(
                "heard.commands.bench_jetstream:bench_jetstream",
                "Jetstream over a local WebSocket server at full speed: prefilter, end to end, beside a bare decode.",
            ),
            "coach": Command(
                "heard.commands.coach:bench_coach",
                "Time one review as the inbox runs it on each keystroke (target < 5 ms).",
            ),
            "pileon": Command(
                "heard.commands.radar:bench_pileon",
                "Replay synthetic pile-ons through the live pipeline; delays and false alerts vs an hourly comparator.",
            ),
            "understand": Command(
                "heard.commands.understand:bench_understand",
                "Speed of all judgements together on one core against a scikit-learn reference: posts_per_s, ratio, "
                "peak_rss_mb.",
            ),
        },
    ),
    "train": Group(
        "Train the shipped models from data.",
        {
            "coach": Command(
                "heard.commands.coach:train_coach",
                "Fit the rule weights on real replies with k-fold cross-validation; keep the blend that generalises.",
            ),
            "complaint": Command(
                "heard.commands.understand:train_complaint",
                "Train the complaint model (and its calibration) from labelled tweets.",
            ),
            "sentiment": Command(
                "heard.commands.understand:train_sentiment",
                "Train the sentiment model from TweetEval train (and the airline tweets).",
            ),
            "topic": Command(
                "heard.commands.understand:train_topic",
                "Learn topic centroids from a taxonomy's keywords and example posts.",
            ),
        },
    ),
    "channels": Command("heard.commands.channels:channels", "Network accounts Heard listens to and answers through."),
    "hooks": Command("heard.commands.hooks:hooks", "Outgoing webhooks: POST each domain event to other tools, signed."),
    "incidents": Command(
        "heard.commands.incidents:incidents_app", "Incidents: similar complaints grouped into one problem."
    ),
    "kb": Command("heard.commands.kb:kb", "The public knowledge base: articles, drafts from incidents, static export."),
    "log": Command("heard.commands.log:log_app", "The event log."),
    "alerts": Command("heard.commands.radar.alert_rules:alerts_app", "Alert rules, alerts and hashtag proposals."),
    "token": Command("heard.commands.tokens:tokens", "Bearer tokens for the HTTP API; each acts as its agent."),
    "privacy": Command(
        "heard.commands.privacy:privacy", "A person's request to see (export) or erase what Heard stores about them."
    ),
    "user": Command("heard.commands.users:users", "Manage the agents who log in to the inbox."),
}

#: Set in a context's meta while a group writes its help: commands are then listed from the table.
_LISTING = "heard.cli.listing"


def load(name: str, entry: Command | Group) -> _click.Command:
    """The click command for a row of the table, its module imported now."""
    if isinstance(entry, Group):
        return LazyGroup(name=name, table=entry.commands, help=entry.help, no_args_is_help=True)
    module, _, attribute = entry.target.partition(":")
    found = getattr(importlib.import_module(module), attribute)
    # Made the way typer makes a group's members, so options, help and errors are what they always were.
    holder = typer.Typer()
    if isinstance(found, typer.Typer):
        holder.add_typer(found, name=name)
    else:
        holder.command(name)(found)
    return typer.main.get_group(holder).commands[name]


class LazyCommands(MutableMapping[str, _click.Command]):
    """A group's commands by name: the table's rows, each loaded the first time it is looked up."""

    def __init__(self, table: Mapping[str, Command | Group]) -> None:
        self.table = table
        self.loaded: dict[str, _click.Command] = {}

    def __getitem__(self, name: str) -> _click.Command:
        if name not in self.loaded:
            self.loaded[name] = load(name, self.table[name])
        return self.loaded[name]

    def __setitem__(self, name: str, command: _click.Command) -> None:
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self.loaded[name]

    def __iter__(self) -> Iterator[str]:
        yield from self.table
        yield from (name for name in self.loaded if name not in self.table)

    def __len__(self) -> int:
        return len(self.table) + sum(name not in self.table for name in self.loaded)


class LazyGroup(TyperGroup):
    """A group listed and summarised from the table (nothing imported for `--help`), whose commands load when
    looked up to run or for their own help."""

    def __init__(self, *, table: Mapping[str, Command | Group] = COMMANDS, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.table = table
        self.commands = LazyCommands(table)

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return list(self.commands)  # the names only: typer's own reads every command

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        entry = self.table.get(cmd_name)
        if ctx.meta.get(_LISTING) and entry is not None:
            return TyperCommand(cmd_name, help=entry.help)
        return super().get_command(ctx, cmd_name)

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        ctx.meta[_LISTING] = True
        try:
            super().format_help(ctx, formatter)
        finally:
            del ctx.meta[_LISTING]


def build() -> typer.Typer:
    """The `heard` app (`typer.main.get_command(build())` is the click group)."""
    root = typer.Typer(
        cls=LazyGroup,
        name="heard",
        help=HELP,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    root.callback()(_root)
    return root


def _root() -> None:
    """Nothing to do before a command: a callback only makes typer build a group of the table's commands."""


def main() -> None:
    build()()
