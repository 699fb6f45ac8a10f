"""Bulk inserts through SQLAlchemy Core. The ORM's bulk path emits one statement per row when RETURNING is
asked for on SQLite; Core batches the rows into multi-row INSERT ... RETURNING statements (insertmanyvalues)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session


def table_of(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


def insert_rows(session: Session, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.connection().execute(insert(table_of(model)), list(rows))


def insert_returning(
    session: Session, model: type[Any], rows: Sequence[dict[str, Any]], *columns: str
) -> Sequence[tuple[Any, ...]]:
    """Insert rows and return the named columns of each, in no particular order (match them by a key)."""
    if not rows:
        return []
    table = table_of(model)
    statement = insert(table).returning(*(table.c[name] for name in columns))
    return [tuple(row) for row in session.connection().execute(statement, list(rows))]
