"""ingest: index messages for search once per ingest batch, not once per row

Revision ID: ingest_bulk_search
Revises: hooks_webhooks (written against inbox_outbox; chained after the head of main when merged)
Create Date: 2026-11-24 18:10:00

SQLite only. The FTS5 insert trigger on messages gains a condition: it stands aside while the one-row table
messages_fts_deferred holds a row. The pipeline sets that row, inserts a batch of messages, indexes them with one
INSERT ... SELECT and clears the row, all in the batch's transaction (heard.conversations.search.bulk_indexed), so no
other connection ever sees it set and every other writer of messages is still indexed by the trigger.
PostgreSQL searches through a GIN expression index and needs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "ingest_bulk_search"
down_revision: str | None = "hooks_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INSERT = "INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text)"
SQLITE_UP = [
    "CREATE TABLE messages_fts_deferred (id INTEGER NOT NULL PRIMARY KEY)",
    "DROP TRIGGER IF EXISTS messages_fts_insert",
    "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages "
    f"WHEN NOT EXISTS (SELECT 1 FROM messages_fts_deferred) BEGIN {_INSERT}; END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS messages_fts_insert",
    f"CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN {_INSERT}; END",
    "DROP TABLE IF EXISTS messages_fts_deferred",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
