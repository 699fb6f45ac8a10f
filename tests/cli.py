"""Running `heard` in process, as the command tests do."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from heard.cli import build


def run(*args: str) -> dict[str, object]:
    """`heard ARGS`: it must succeed and print one JSON object, which is returned."""
    result = CliRunner().invoke(build(), list(args))
    assert result.exit_code == 0, result.output
    out: dict[str, object] = json.loads(result.stdout)
    return out
