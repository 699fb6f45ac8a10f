"""`heard alerts ...`: alert rules from the command line (filled in with the alerts feature)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from heard.cli import Cli


def register_alerts(cli: Cli) -> None:
    return None
