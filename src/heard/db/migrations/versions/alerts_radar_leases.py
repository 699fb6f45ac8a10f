"""alerts: a lease so that only one `heard radar` watches the judged posts at a time

Revision ID: alerts_radar_leases
Revises: inbox_search_accents
Create Date: 2026-11-25 01:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import heard.db.base

revision: str = "alerts_radar_leases"
down_revision: str | None = "inbox_search_accents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "radar_leases",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=False),
        sa.Column("expires_at", heard.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_radar_leases")),
    )


def downgrade() -> None:
    op.drop_table("radar_leases")
