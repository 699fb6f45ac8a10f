"""alerts: the brand a hashtag proposal belongs to, as alerts have

Revision ID: i17_proposal_brands
Revises: i17_post_brands
Create Date: 2026-12-07 19:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i17_proposal_brands"
down_revision: str | None = "i17_post_brands"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Proposals from before brands belong to none: they show under "all brands" only.
    with op.batch_alter_table("hashtag_proposals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("brand", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_hashtag_proposals_brand"), ["brand"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("hashtag_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hashtag_proposals_brand"))
        batch_op.drop_column("brand")
