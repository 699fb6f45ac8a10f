"""alerts: deliveries become a queue (pending, sending, delivered, failed) with retries

Revision ID: alerts_delivery_queue
Revises: alerts_radar_leases
Create Date: 2026-11-26 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import heard.db.base

revision: str = "alerts_delivery_queue"
down_revision: str | None = "alerts_radar_leases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows from before were sent at once and end delivered or failed: no time is set, so none of them is due.
    with op.batch_alter_table("alert_deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target_index", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("next_attempt_at", heard.db.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("delivered_at", heard.db.base.UTCDateTime(), nullable=True))
        batch_op.create_index("ix_alert_deliveries_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_alert_deliveries_alert_id_rule_id_target_index"), ["alert_id", "rule_id", "target_index"]
        )


def downgrade() -> None:
    # What is still queued (pending or being sent) is dropped: the old code sent at once and kept no queue.
    op.execute("DELETE FROM alert_deliveries WHERE status IN ('pending', 'sending')")
    with op.batch_alter_table("alert_deliveries", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_alert_deliveries_alert_id_rule_id_target_index"), type_="unique")
        batch_op.drop_index("ix_alert_deliveries_due")
        batch_op.drop_column("delivered_at")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("target_index")
