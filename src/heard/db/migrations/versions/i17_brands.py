"""brands: a brand table; each post and alert names the brand it addresses

Revision ID: i17_brands
Revises: i17_alerts_acknowledged
Create Date: 2026-12-07 16:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import heard.db.base

revision: str = "i17_brands"
down_revision: str | None = "i17_alerts_acknowledged"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "brands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("accounts", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("hashtags", sa.JSON(), nullable=False),
        sa.Column("products", sa.JSON(), nullable=False),
        sa.Column("created_at", heard.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brands")),
        sa.UniqueConstraint("slug", name=op.f("uq_brands_slug")),
    )
    # Posts and alerts from before brands address none: they show under every brand, as before.
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("brand", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_posts_brand"), ["brand"], unique=False)
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("brand", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_alerts_brand"), ["brand"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_brand"))
        batch_op.drop_column("brand")
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_posts_brand"))
        batch_op.drop_column("brand")
    op.drop_table("brands")
