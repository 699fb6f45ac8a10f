"""conversations: contact merges (one customer across networks), undoable

Revision ID: i19_contact_merges
Revises: i19_saved_views
Create Date: 2026-12-07 17:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import heard.db.base

revision: str = "i19_contact_merges"
down_revision: str | None = "i19_saved_views"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contact_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("into_id", sa.Integer(), nullable=False),
        sa.Column("from_id", sa.Integer(), nullable=False),
        sa.Column("from_name", sa.String(length=256), nullable=False),
        sa.Column("identity_ids", sa.JSON(), nullable=False),
        sa.Column("conversation_ids", sa.JSON(), nullable=False),
        sa.Column("post_ids", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("merged_by", sa.Integer(), nullable=True),
        sa.Column("merged_at", heard.db.base.UTCDateTime(), nullable=False),
        sa.Column("undone_at", heard.db.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["from_id"], ["contacts.id"], name=op.f("fk_contact_merges_from_id_contacts")),
        sa.ForeignKeyConstraint(["into_id"], ["contacts.id"], name=op.f("fk_contact_merges_into_id_contacts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_merges")),
    )
    op.create_index(op.f("ix_contact_merges_from_id"), "contact_merges", ["from_id"], unique=False)
    op.create_index(op.f("ix_contact_merges_into_id"), "contact_merges", ["into_id"], unique=False)


def downgrade() -> None:
    op.drop_table("contact_merges")
