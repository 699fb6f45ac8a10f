"""The Alembic revisions build exactly the schema the models describe, on SQLite and PostgreSQL, and go down."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from heard.db.base import Base
from heard.db.engine import make_engine
from heard.db.migrate import MIGRATIONS, alembic_config, downgrade, upgrade


def test_one_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1, "revisions branch: chain the new one after the current head"
    assert MIGRATIONS.is_dir()


#: Indexes on expressions: PostgreSQL hands them back reformatted, which Alembic cannot compare with the model.
EXPRESSION_INDEXES = frozenset({"ix_conversations_queue_order"})


def _comparable(obj: object, name: str | None, kind: str, reflected: bool, compare_to: object) -> bool:
    return not (kind == "index" and name in EXPRESSION_INDEXES)


def test_migrated_schema_matches_models(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    with engine.connect() as conn:
        opts = {"compare_type": False, "include_object": _comparable}
        context = MigrationContext.configure(conn, opts=opts)
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def test_downgrade_to_base_and_up_again(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    downgrade(engine, "base")
    assert [t for t in inspect(engine).get_table_names() if t != "alembic_version"] == []
    upgrade(engine)
    assert "posts" in inspect(engine).get_table_names()
    engine.dispose()
