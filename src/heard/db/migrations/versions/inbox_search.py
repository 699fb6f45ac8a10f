"""inbox: full-text search over messages, an index for the assignee filter, and the presence table

Revision ID: inbox_search
Revises: connectors_cursor_text (written against 0001; chained after the head of main when merged)

SQLite: an FTS5 table over messages.text (external content, kept in step by triggers, so nothing in Python
can forget to index a message). PostgreSQL: a GIN index on to_tsvector('simple', text), the same expression
the search query uses. The 'simple' configuration (no stemming) on both, because posts come in every language.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import heard.db.base

revision: str = "inbox_search"
down_revision: str | None = "connectors_cursor_text"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text); INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS messages_fts_update",
    "DROP TRIGGER IF EXISTS messages_fts_delete",
    "DROP TRIGGER IF EXISTS messages_fts_insert",
    "DROP TABLE IF EXISTS messages_fts",
]


# Expression indexes, the same SQL on both backends, kept out of the models (SQLAlchemy cannot reflect them on
# SQLite). The queue index is on the very expressions of heard.inbox.queries.queue_order, so the inbox walks it
# in order and stops after one page instead of sorting every conversation.
EXPRESSION_INDEXES = {
    "ix_conversations_queue_expr": "conversations (priority DESC, (CASE WHEN urgency IS NULL THEN 1 ELSE 0 END), "
    "urgency DESC, (CASE WHEN waiting_since IS NULL THEN 1 ELSE 0 END), waiting_since, last_activity_at DESC, id DESC)",
    "ix_conversations_handle_expr": "conversations (lower(customer_handle))",
}


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.create_index("ix_conversations_assignee_id", ["assignee_id"])
    for name, target in EXPRESSION_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON {target}")
    op.create_table(
        "presence",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", heard.db.base.UTCDateTime(), nullable=False),
        sa.Column("typing_at", heard.db.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("conversation_id", "agent_id", name=op.f("pk_presence")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute("CREATE INDEX ix_messages_search ON messages USING gin (to_tsvector('simple', text))")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_messages_search")
    op.drop_table("presence")
    for name in EXPRESSION_INDEXES:
        op.execute(f"DROP INDEX {name}")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_index("ix_conversations_assignee_id")
