"""inbox: the "is it fixed for you?" check-ins and their answers

Revision ID: i19_checkins
Revises: i19_contact_merges
Create Date: 2026-12-07 17:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import heard.db.base

revision: str = "i19_checkins"
down_revision: str | None = "i19_contact_merges"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", heard.db.base.UTCDateTime(), nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=True),
        sa.Column("answered_at", heard.db.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversations.id"], name=op.f("fk_checkins_conversation_id_conversations")
        ),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name=op.f("fk_checkins_message_id_messages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
        sa.UniqueConstraint("conversation_id", name=op.f("uq_checkins_conversation_id")),
    )


def downgrade() -> None:
    op.drop_table("checkins")
