"""The command line starts fast: help comes from heard.cli's table, and a command's module loads only to run it."""

from __future__ import annotations

import inspect
import pkgutil
import subprocess
import sys

import pytest
import typer

import heard.commands
from heard.cli import COMMANDS, Command, Group, load

#: What `heard --help` must not import: any command module, and the heavy libraries they use (pydantic is typer's own).
HEAVY = ("sklearn", "scipy", "numpy", "sqlalchemy", "fastapi", "uvicorn", "httpx")

_PROBE = """
import sys
from heard.cli import main
sys.argv = ["heard", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
loaded = [m for m in sys.modules if m.startswith("heard.") and m != "heard.cli"]
loaded += [m for m in {heavy!r} if m in sys.modules]
print("LOADED", sorted(loaded))
"""


def _help(*args: str) -> str:
    probe = _PROBE.format(heavy=HEAVY)
    done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


def _rows() -> list[tuple[str, Command | Group]]:
    rows: list[tuple[str, Command | Group]] = []
    for name, entry in COMMANDS.items():
        rows.append((name, entry))
        if isinstance(entry, Group):
            rows.extend((f"{name} {sub}", command) for sub, command in entry.commands.items())
    return rows


@pytest.mark.parametrize("args", [(), ("--help",), ("eval", "--help"), ("bench", "--help"), ("train",)])
def test_help_lists_every_command_without_importing_any(args: tuple[str, ...]) -> None:
    out = _help(*args)
    assert out.rstrip().endswith("LOADED []"), out.splitlines()[-1]
    group = COMMANDS.get(args[0]) if args else None
    table = group.commands if isinstance(group, Group) else COMMANDS
    rows = [line for line in out.splitlines() if line.startswith("│ ") and line[2:3].strip()]  # a name starts the row
    assert [row.split()[1] for row in rows if not row.startswith("│ --")] == list(table)


def test_a_commands_own_help_loads_its_module() -> None:
    out = _help("eval", "nab", "--help")
    assert "--labels" in out
    assert "'heard.commands.radar'" in out.splitlines()[-1]


@pytest.mark.parametrize(("path", "entry"), _rows(), ids=[path for path, _ in _rows()])
def test_every_row_loads_as_the_command_it_names_with_its_help_line(path: str, entry: Command | Group) -> None:
    name = path.split()[-1]
    command = load(name, entry)
    assert command.name == name
    own = inspect.cleandoc(command.help or "").split("\n\n")[0]
    assert " ".join(own.split()) == entry.help
    if isinstance(entry, Command):
        module, _, attribute = entry.target.partition(":")
        target = getattr(sys.modules[module], attribute)
        assert isinstance(target, typer.Typer) == hasattr(command, "commands")


def test_every_command_module_is_in_the_table() -> None:
    named = {entry.target.partition(":")[0] for _, entry in _rows() if isinstance(entry, Command)}
    modules = {m.name for m in pkgutil.walk_packages(heard.commands.__path__, "heard.commands.")}
    assert modules - named == set()
