"""Docs that cannot fall behind: every setting, event and CLI command is documented."""

from __future__ import annotations

import re
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


SRC = Path(__file__).resolve().parents[1] / "src" / "heard"


def _source(exclude: str) -> str:
    return "\n".join(p.read_text() for p in SRC.rglob("*.py") if p.name != exclude)


def test_every_documented_event_exists_and_is_emitted() -> None:
    """An event in the docs is a real event, and some action constructs it (so something can publish it)."""
    documented = set(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|", (DOCS / "events.md").read_text(), re.M))
    assert documented == {e.name for e in ALL_EVENTS}
    code = _source(exclude="events.py")
    assert [e.__name__ for e in ALL_EVENTS if not re.search(rf"\b{e.__name__}\(", code)] == []


def test_every_documented_setting_is_read() -> None:
    """A setting in the docs is a real setting, and some module reads it (`settings.name` or `.name`)."""
    documented = set(re.findall(r"`HEARD_([A-Z0-9_]+)`", (DOCS / "settings.md").read_text()))
    fields = {name.upper() for name in Settings.model_fields}
    assert documented - {"TEST_DATABASE_URL", "TEST_NATS_URL"} <= fields
    code = _source(exclude="settings.py")
    assert [n for n in Settings.model_fields if not re.search(rf"\.{n}\b", code)] == []
