"""Alembic environment. Runs on the connection handed in by heard.db.migrate, or opens one from the URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from heard.db.base import Base
from heard.db.migrate import include_name

config = context.config
target_metadata = Base.metadata


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode makes one revision fit both
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.begin() as conn:
        _run(conn)
