"""Engines and sessions. SQLite gets WAL and a busy timeout so one writer and many readers get along."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Temporary tables, sorts and statement journals in memory: a statement that fires a trigger and could fail
    # a constraint (every insert into messages) keeps a statement journal, and one temporary file per row of an
    # ingest batch cost more than the row's own write.
    cursor.execute("PRAGMA temp_store=MEMORY")
    # 32 MiB of page cache (the default is 2 MiB), taken only as pages are read: a batch touches the leaf pages of
    # eight indexes on posts alone, and with the default cache a store of 100k posts rereads them from the OS.
    cursor.execute("PRAGMA cache_size=-32768")
    # Checkpoint every ~32 MiB of WAL instead of 4: the index pages every batch rewrites are copied into the
    # database once per checkpoint, so fewer checkpoints copy less (a tenth less CPU per commit at 100k posts).
    cursor.execute("PRAGMA wal_autocheckpoint=8000")
    # Reads through a memory map of up to 1 GiB instead of a read() call per page missing from the cache: the
    # inbox's pages touch a few hundred scattered index and table pages, and at a million posts most of them
    # miss the 32 MiB cache; mapped, they cost a memory access (the OS shares the mapping between processes).
    cursor.execute("PRAGMA mmap_size=1073741824")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
