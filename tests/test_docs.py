"""Docs that cannot fall behind: every setting, event and CLI command is documented."""

from __future__ import annotations

from pathlib import Path

import typer.main

from heard.cli import build
from heard.events import ALL_EVENTS
from heard.settings import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs"


def command_paths(command: object, prefix: str = "heard") -> list[str]:
    children = getattr(command, "commands", None)
    if children is None:
        return [prefix]
    paths: list[str] = []
    for name, child in children.items():
        paths.extend(command_paths(child, f"{prefix} {name}"))
    return paths


def test_every_setting_is_documented() -> None:
    text = (DOCS / "settings.md").read_text()
    missing = [f"HEARD_{name.upper()}" for name in Settings.model_fields if f"HEARD_{name.upper()}" not in text]
    assert missing == []


def test_every_event_is_documented() -> None:
    text = (DOCS / "events.md").read_text()
    assert [e.name for e in ALL_EVENTS if f"`{e.name}`" not in text] == []


def test_every_command_is_documented() -> None:
    text = (DOCS / "cli.md").read_text()
    paths = command_paths(typer.main.get_command(build()))
    assert len(paths) >= 6
    assert [p for p in paths if f"`{p}`" not in text] == []
