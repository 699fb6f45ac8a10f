"""The `heard` command line. Commands live in `heard.commands.*`; this module only assembles them."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

import typer

from heard import commands


@dataclass(frozen=True)
class Cli:
    """The command groups a module in heard.commands can add to."""

    root: typer.Typer
    eval: typer.Typer
    bench: typer.Typer
    train: typer.Typer


def build() -> typer.Typer:
    root = typer.Typer(
        name="heard",
        help="Heard: social customer care that answers before the pile-on.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    cli = Cli(
        root=root,
        eval=typer.Typer(help="Measure quality on labelled data.", no_args_is_help=True),
        bench=typer.Typer(help="Measure speed.", no_args_is_help=True),
        train=typer.Typer(help="Train the shipped models from data.", no_args_is_help=True),
    )
    root.add_typer(cli.eval, name="eval")
    root.add_typer(cli.bench, name="bench")
    root.add_typer(cli.train, name="train")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(cli)
    return root


def main() -> None:
    build()()
