"""inbox: the queue index follows the new working order (waiting customers before answered urgent ones)

Revision ID: inbox_queue_waiting_first
Revises: inbox_outbox
Create Date: 2026-11-24 18:10:00

The index is on the very expressions of heard.inbox.queries.queue_order, so it must change with it; an index in
the old column order would make every inbox page sort all open conversations.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "inbox_queue_waiting_first"
down_revision: str | None = "inbox_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_conversations_queue_expr"
WAITING_FIRST = (
    "conversations (priority DESC, (CASE WHEN waiting_since IS NULL THEN 1 ELSE 0 END), "
    "(CASE WHEN urgency IS NULL THEN 1 ELSE 0 END), urgency DESC, waiting_since, last_activity_at DESC, id DESC)"
)
URGENCY_FIRST = (
    "conversations (priority DESC, (CASE WHEN urgency IS NULL THEN 1 ELSE 0 END), "
    "urgency DESC, (CASE WHEN waiting_since IS NULL THEN 1 ELSE 0 END), waiting_since, last_activity_at DESC, id DESC)"
)


def upgrade() -> None:
    op.execute(f"DROP INDEX {NAME}")
    op.execute(f"CREATE INDEX {NAME} ON {WAITING_FIRST}")


def downgrade() -> None:
    op.execute(f"DROP INDEX {NAME}")
    op.execute(f"CREATE INDEX {NAME} ON {URGENCY_FIRST}")
