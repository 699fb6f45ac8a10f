"""inbox: business hours for the SLA targets (time zone, working days, opening and closing time), and the default
rules for conversations in no inbox

Revision ID: i18_business_hours
Revises: i17_proposal_brands
Create Date: 2026-12-07 19:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i18_business_hours"
down_revision: str | None = "i17_proposal_brands"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inboxes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("business_tz", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("business_days", sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column("business_opens_min", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("business_closes_min", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("is_default", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("inboxes", schema=None) as batch_op:
        batch_op.drop_column("is_default")
        batch_op.drop_column("business_closes_min")
        batch_op.drop_column("business_opens_min")
        batch_op.drop_column("business_days")
        batch_op.drop_column("business_tz")
