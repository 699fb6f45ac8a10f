"""Alembic, driven from code: `heard init` and the tests migrate with these, no alembic.ini needed."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"
#: Database objects that revisions keep in raw SQL and no model maps (full-text indexes): autogenerate and the
#: schema check leave them alone.
UNMAPPED_PREFIXES = ("search_",)


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's `include_name` hook: False for the unmapped search objects (and FTS5's shadow tables)."""
    return not (name or "").startswith(UNMAPPED_PREFIXES)


@contextmanager
def _quiet_reflection() -> Iterator[None]:
    """Batch migrations reflect tables on SQLite, and SQLAlchemy warns that it cannot reflect the expression
    indexes the search revision made (they are kept by the revisions, not the models). The warning would land
    in the middle of a command's --json output."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        yield


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision`, reusing the engine's connection (works for in-memory SQLite too)."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn, _quiet_reflection():
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn, _quiet_reflection():
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
