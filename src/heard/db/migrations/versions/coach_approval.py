"""coach approval: an inbox's approval threshold and the lead's approval on a review

Revision ID: coach_approval
Revises: 0001
Create Date: 2026-11-24 15:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import heard.db.base

revision: str = "coach_approval"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inboxes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("coach_approval_below", sa.Integer(), nullable=True))
    with op.batch_alter_table("reply_reviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("needs_approval", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("approved_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("approved_at", heard.db.base.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_reply_reviews_approved_by_id_agents"), "agents", ["approved_by_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("reply_reviews", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_reply_reviews_approved_by_id_agents"), type_="foreignkey")
        batch_op.drop_column("approved_at")
        batch_op.drop_column("approved_by_id")
        batch_op.drop_column("needs_approval")
    with op.batch_alter_table("inboxes", schema=None) as batch_op:
        batch_op.drop_column("coach_approval_below")
