"""Plain reads on a session: a SELECT of columns run on the session's connection, its rows addressed by column
name (`row.text`), with no ORM execution around it.

A page that only shows what it reads has no use for mapped objects, and their loading (identity map, instance
state, the ORM's statement compilation) cost a conversation page more than its SQL did (`heard bench inbox`).
What the session holds unflushed is flushed first, as `Session.execute` would, so a read after a change in the
same session sees the change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import CursorResult, Executable
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

#: One row of a plain read.
PlainRow = Row[*tuple[Any, ...]]


def plain(session: Session, statement: Executable, params: Mapping[str, Any] | None = None) -> CursorResult[Any]:
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params)
