"""rules: automatic rules and tags on conversations

Revision ID: i19_rules_tags
Revises: i19_audit_entries
Create Date: 2026-12-07 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import heard.db.base

revision: str = "i19_rules_tags"
down_revision: str | None = "i19_audit_entries"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("matched", sa.Integer(), nullable=False),
        sa.Column("last_matched_at", heard.db.base.UTCDateTime(), nullable=True),
        sa.Column("created_at", heard.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", heard.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rules")),
    )
    op.create_table(
        "conversation_tags",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=48), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("created_at", heard.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_tags_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", "tag", name=op.f("pk_conversation_tags")),
    )
    op.create_index(op.f("ix_conversation_tags_tag"), "conversation_tags", ["tag"], unique=False)


def downgrade() -> None:
    op.drop_table("conversation_tags")
    op.drop_table("rules")
