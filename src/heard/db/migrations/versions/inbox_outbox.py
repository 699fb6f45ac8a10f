"""inbox outbox: private replies, the publisher's retry schedule, SLA breaches, and an index for the network menu

Revision ID: inbox_outbox
Revises: alerts_rules
Create Date: 2026-11-24 16:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import heard.db.base

revision: str = "inbox_outbox"
down_revision: str | None = "alerts_rules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The inbox's network menu (SELECT DISTINCT network) becomes a skip-scan of this index, not a full scan.
    op.create_index("ix_conversations_network", "conversations", ["network"])
    # Plain ADD COLUMN, not batch mode: a batch would rebuild messages on SQLite and drop the search triggers.
    op.add_column("messages", sa.Column("is_private", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("messages", sa.Column("next_attempt_at", heard.db.base.UTCDateTime(), nullable=True))
    op.create_index("ix_messages_delivery", "messages", ["delivery_state", "next_attempt_at"], unique=False)
    op.create_table(
        "sla_breaches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("due_at", heard.db.base.UTCDateTime(), nullable=False),
        sa.Column("breached_at", heard.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_sla_breaches_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_breaches")),
        sa.UniqueConstraint(
            "conversation_id", "kind", "due_at", name=op.f("uq_sla_breaches_conversation_id_kind_due_at")
        ),
    )
    with op.batch_alter_table("sla_breaches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sla_breaches_breached_at"), ["breached_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_sla_breaches_conversation_id"), ["conversation_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sla_breaches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sla_breaches_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_sla_breaches_breached_at"))
    op.drop_table("sla_breaches")
    op.drop_index("ix_conversations_network", table_name="conversations")

    op.drop_index("ix_messages_delivery", table_name="messages")
    op.drop_column("messages", "next_attempt_at")
    op.drop_column("messages", "is_private")
