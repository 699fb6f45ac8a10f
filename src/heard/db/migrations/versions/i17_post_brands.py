"""posts: every brand a post addresses (a post naming two brands is in both brands' queues)

Revision ID: i17_post_brands
Revises: i19_checkins
Create Date: 2026-12-07 19:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i17_post_brands"
down_revision: str | None = "i19_checkins"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "post_brands",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("brand", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name=op.f("fk_post_brands_post_id_posts")),
        sa.PrimaryKeyConstraint("post_id", "brand", name=op.f("pk_post_brands")),
    )
    with op.batch_alter_table("post_brands", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_post_brands_brand"), ["brand"], unique=False)
    # Posts stored before this kept only their main brand: that one is all they address, as far as anyone knows.
    op.execute("INSERT INTO post_brands (post_id, brand) SELECT id, brand FROM posts WHERE brand IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("post_brands", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_post_brands_brand"))
    op.drop_table("post_brands")
