"""alerts: the radar's saved state, so a restarted worker does not warm up again

Revision ID: alerts_radar_snapshots
Revises: ingest_bulk_search
Create Date: 2026-11-24 21:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import heard.db.base

revision: str = "alerts_radar_snapshots"
down_revision: str | None = "ingest_bulk_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "radar_snapshots",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("saved_at", heard.db.base.UTCDateTime(), nullable=False),
        sa.Column("series", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_radar_snapshots")),
    )


def downgrade() -> None:
    op.drop_table("radar_snapshots")
