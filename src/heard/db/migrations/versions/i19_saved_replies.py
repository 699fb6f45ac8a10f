"""inbox: saved replies with variables

Revision ID: i19_saved_replies
Revises: i19_rules_tags
Create Date: 2026-12-07 16:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import heard.db.base

revision: str = "i19_saved_replies"
down_revision: str | None = "i19_rules_tags"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "saved_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=128), nullable=False),
        sa.Column("shortcut", sa.String(length=32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("created_at", heard.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", heard.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["agents.id"], name=op.f("fk_saved_replies_owner_id_agents"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_replies")),
    )
    op.create_index(op.f("ix_saved_replies_owner_id"), "saved_replies", ["owner_id"], unique=False)
    op.create_index(op.f("ix_saved_replies_shortcut"), "saved_replies", ["shortcut"], unique=False)


def downgrade() -> None:
    op.drop_table("saved_replies")
