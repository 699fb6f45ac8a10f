"""alerts: who acknowledged an alert and when; open alerts found by status (the navigation's badge)

Revision ID: i17_alerts_acknowledged
Revises: i21_hooks_sealed_secrets
Create Date: 2026-12-07 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import heard.db.base

revision: str = "i17_alerts_acknowledged"
down_revision: str | None = "i21_hooks_sealed_secrets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("acknowledged_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("acknowledged_by", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("acknowledged_at", heard.db.base.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_alerts_acknowledged_by_id_agents"), "agents", ["acknowledged_by_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_alerts_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_status"))
        batch_op.drop_constraint(batch_op.f("fk_alerts_acknowledged_by_id_agents"), type_="foreignkey")
        batch_op.drop_column("acknowledged_at")
        batch_op.drop_column("acknowledged_by")
        batch_op.drop_column("acknowledged_by_id")
