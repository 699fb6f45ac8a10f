"""The Alembic revisions build exactly the schema the models describe, on SQLite and PostgreSQL, and go down."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from heard.db.base import Base
from heard.db.engine import make_engine
from heard.db.migrate import MIGRATIONS, alembic_config, downgrade, include_name, upgrade


def test_one_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1, "revisions branch: chain the new one after the current head"
    assert MIGRATIONS.is_dir()


def test_migrated_schema_matches_models(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False, "include_name": include_name})
        diff = [d for d in compare_metadata(context, Base.metadata) if not _search_object(d)]
    engine.dispose()
    assert diff == []


def _search_object(difference: object) -> bool:
    """Full-text search and expression indexes live outside the models (FTS5 tables on SQLite, GIN and
    expression indexes); revisions create them by name: `*_fts*` tables, `ix_*_search` and `ix_*_expr` indexes."""
    if not isinstance(difference, tuple) or len(difference) < 2:
        return False
    name = str(getattr(difference[1], "name", ""))
    return (difference[0] == "remove_table" and "_fts" in name) or (
        difference[0] == "remove_index" and name.endswith(("_search", "_expr"))
    )


def test_downgrade_to_base_and_up_again(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    downgrade(engine, "base")
    assert [t for t in inspect(engine).get_table_names() if t != "alembic_version"] == []
    upgrade(engine)
    assert "posts" in inspect(engine).get_table_names()
    engine.dispose()
