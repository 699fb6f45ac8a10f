"""Shared fixtures. Database tests run on SQLite always and on PostgreSQL too when HEARD_TEST_DATABASE_URL is set
(each PostgreSQL test gets a schema of its own, dropped afterwards)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from heard.clock import FrozenClock
from heard.db.engine import make_engine, session_factory
from heard.db.migrate import upgrade
from heard.db.unit import pending_events
from heard.events import Event
from heard.schema import MODEL_MODULES

assert MODEL_MODULES  # mapped classes must all be known before any query

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
PG_URL = os.environ.get("HEARD_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def emitted(session: Session, action: Callable[[], object]) -> list[Event]:
    """The events `action` registered on the session's transaction (published once it commits)."""
    before = len(pending_events(session))
    action()
    return pending_events(session)[before:]


def shared_path(*parts: str) -> Path:
    """A file under ../shared, skipping the test when the folder is not beside the checkout."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here")
    return path


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


def _pg_engine(schema: str) -> Engine:
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})


def _drop_pg_schema(schema: str) -> None:
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@contextmanager
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, unmigrated database on `backend` ("sqlite" or "postgresql"); PostgreSQL gets its own schema."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'heard.db'}"
        return
    if not PG_URL:
        pytest.skip("HEARD_TEST_DATABASE_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    _pg_engine(schema).dispose()
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        _drop_pg_schema(schema)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL on each backend, unmigrated."""
    with database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A freshly migrated database on each backend."""
    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """A migrated SQLite database only, for tests that are about something other than the backend."""
    eng = make_engine(f"sqlite:///{tmp_path / 'heard.db'}")
    upgrade(eng)
    yield eng
    eng.dispose()
