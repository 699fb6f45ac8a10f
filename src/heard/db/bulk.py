"""Bulk inserts for the ingest hot path.

On SQLite the rows go straight to the driver (executemany, or multi-row INSERT ... RETURNING), with the column
types' bind conversions and the Python-side column defaults applied here, once per batch and column instead of
through SQLAlchemy's per-row parameter machinery: at a firehose's rate that machinery cost more than SQLite's own
work. Elsewhere (PostgreSQL) the rows go through SQLAlchemy Core, which batches them the same way
(insertmanyvalues); the results are the same on both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar, cast

from sqlalchemy import JSON, Column, Connection, Table, bindparam, insert, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from heard.db.base import UTCDateTime

Processor = Callable[[Any], Any] | None


def table_of(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


def insert_rows(session: Session, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        insert_many(session.connection(), table_of(model), rows)


def insert_returning(
    session: Session, model: type[Any], rows: Sequence[dict[str, Any]], *columns: str
) -> Sequence[tuple[Any, ...]]:
    """Insert rows and return the named columns of each, in no particular order (match them by a key)."""
    if not rows:
        return []
    return insert_many(session.connection(), table_of(model), rows, returning=columns)


def insert_many(
    conn: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    returning: Sequence[str] = (),
    skip_conflicts: bool = False,
) -> list[tuple[Any, ...]]:
    """Insert `rows` (all with the keys of the first) into `table`; with `returning`, the named columns of the
    rows inserted. `skip_conflicts` leaves out rows that break a unique constraint (ON CONFLICT DO NOTHING)."""
    if not rows:
        return []
    if conn.dialect.name == "sqlite":
        plan = _Plan.of(table, tuple(rows[0]), conn.dialect)
        if plan is not None:
            try:
                params = plan.params(rows)
            except KeyError:
                pass  # rows with differing keys: Core says which value is missing
            else:
                return plan.run(conn, params, tuple(returning), skip_conflicts)
    return _core_insert(conn, table, rows, returning, skip_conflicts)


def update_many(conn: Connection, table: Table, rows: Sequence[dict[str, Any]], where: Sequence[str]) -> None:
    """Update one row per dict: the columns named in `where` pick the row, the other keys are set."""
    if not rows:
        return
    columns = [key for key in rows[0] if key not in where]
    if conn.dialect.name == "sqlite":
        preparer = conn.dialect.identifier_preparer
        names = [*columns, *where]
        processors = [_processor(table.c[name], conn.dialect) for name in names]
        sql = (
            f"UPDATE {preparer.format_table(table)} SET "
            + ", ".join(f"{preparer.quote(table.c[c].name)} = ?" for c in columns)
            + " WHERE "
            + " AND ".join(f"{preparer.quote(table.c[c].name)} = ?" for c in where)
        )
        pairs = list(zip(names, processors, strict=True))
        params = [tuple([row[n] if p is None else p(row[n]) for n, p in pairs]) for row in rows]
        conn.exec_driver_sql(sql, params)
        return
    statement = (
        update(table)
        .where(*(table.c[c] == bindparam(f"k_{c}") for c in where))
        .values({c: bindparam(f"v_{c}") for c in columns})
    )
    conn.execute(statement, [{**{f"k_{c}": r[c] for c in where}, **{f"v_{c}": r[c] for c in columns}} for r in rows])


def _core_insert(
    conn: Connection, table: Table, rows: Sequence[dict[str, Any]], returning: Sequence[str], skip_conflicts: bool
) -> list[tuple[Any, ...]]:
    statement: Any = insert(table)
    if skip_conflicts:
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects import postgresql

            statement = postgresql.insert(table).on_conflict_do_nothing()
        else:
            statement = sqlite.insert(table).on_conflict_do_nothing()
    if returning:
        statement = statement.returning(*(table.c[name] for name in returning))
        return [tuple(row) for row in conn.execute(statement, list(rows))]
    conn.execute(statement, list(rows))
    return []


def utc_datetime_sqlite(value: datetime | None) -> str | None:
    """UTCDateTime's bind conversion on SQLite (to naive UTC, then SQLAlchemy's text form), in C calls."""
    if value is None:
        return None
    zone = value.tzinfo
    if zone is UTC:
        return value.isoformat(" ", "microseconds")[:-6]  # drop the "+00:00"
    if zone is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(" ", "microseconds")


def _json_processor(serialize: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The JSON columns ingest writes are mostly empty lists; their text is always "[]"."""
    empty = serialize([])

    def process(value: Any) -> Any:
        if type(value) is list and not value:
            return empty
        return serialize(value)

    return process


class _Plan:
    """How to insert rows with a given set of keys into one table on one dialect, computed once and cached."""

    _cache: ClassVar[dict[tuple[Table, tuple[str, ...], str], _Plan | None]] = {}

    def __init__(self, table: Table, keys: tuple[str, ...], processors: list[Processor], defaults: dict[str, Any]):
        self.table = table
        self.keys = keys
        self.processors = processors
        self.defaults = defaults  # column -> value already converted for the driver
        self.columns = [*keys, *defaults]
        self.default_values = tuple(defaults.values())

    @classmethod
    def of(cls, table: Table, keys: tuple[str, ...], dialect: Dialect) -> _Plan | None:
        cache_key = (table, keys, dialect.name)
        if cache_key not in cls._cache:
            cls._cache[cache_key] = cls._make(table, keys, dialect)
        return cls._cache[cache_key]

    @classmethod
    def _make(cls, table: Table, keys: tuple[str, ...], dialect: Dialect) -> _Plan | None:
        if any(key not in table.c for key in keys):
            return None  # Core raises the clear error for an unknown column
        processors = [_processor(table.c[key], dialect) for key in keys]
        defaults: dict[str, Any] = {}
        for column in table.c:
            if column.key in keys or column.default is None:
                continue
            default = column.default
            if not (default.is_scalar or default.is_callable):
                return None  # a SQL expression or sequence default: leave it to Core
            try:
                # The defaults in use are constants and zero-argument factories (list, dict), so one value per
                # batch is the value of every row; one that needs the execution context sends the batch to Core.
                value = default.arg(None) if default.is_callable else default.arg  # type: ignore[attr-defined]
            except Exception:
                return None
            process = _processor(column, dialect)
            defaults[column.key] = process(value) if process else value
        return cls(table, keys, processors, defaults)

    def params(self, rows: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
        keys = self.keys
        tail = self.default_values
        if not any(self.processors):
            return [tuple([row[k] for k in keys]) + tail for row in rows]
        pairs = list(zip(keys, self.processors, strict=True))
        out = []
        for row in rows:
            out.append(tuple([row[key] if process is None else process(row[key]) for key, process in pairs]) + tail)
        return out

    def run(
        self, conn: Connection, params: list[tuple[Any, ...]], returning: tuple[str, ...], skip_conflicts: bool
    ) -> list[tuple[Any, ...]]:
        preparer = conn.dialect.identifier_preparer
        head = (
            f"INSERT INTO {preparer.format_table(self.table)} "
            f"({', '.join(preparer.quote(self.table.c[c].name) for c in self.columns)}) VALUES "
        )
        group = "(" + ", ".join("?" * len(self.columns)) + ")"
        tail = " ON CONFLICT DO NOTHING" if skip_conflicts else ""
        if returning:
            tail += " RETURNING " + ", ".join(preparer.quote(self.table.c[c].name) for c in returning)
        # Multi-row VALUES pages, as SQLAlchemy's insertmanyvalues does, within SQLite's bound-parameter limit.
        page = max(1, min(1000, 32000 // len(self.columns)))
        out: list[tuple[Any, ...]] = []
        for start in range(0, len(params), page):
            part = params[start : start + page]
            flat = [value for row in part for value in row]
            sql = head + ", ".join([group] * len(part)) + tail
            result = conn.exec_driver_sql(sql, tuple(flat))
            if returning:
                out.extend(tuple(row) for row in result)
        return out


def _processor(column: Column[Any], dialect: Dialect) -> Processor:
    if isinstance(column.type, UTCDateTime) and dialect.name == "sqlite":
        return utc_datetime_sqlite
    process = cast(Processor, column.type.dialect_impl(dialect).bind_processor(dialect))
    if isinstance(column.type, JSON) and process is not None:
        return _json_processor(process)
    return process
